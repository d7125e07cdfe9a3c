"""API packs: one folder each (spec, handlers, domain rules, seeded data, planted faults, docs
metadata), served by the engine beside the CarOwner API. installed.py registers them."""
