"""Suite-wide settings."""

from __future__ import annotations

from hypothesis import settings

# Two cores shared by two test workers: a slow example is load, not a bug. Timing is measured by
# benchmarks/, never asserted here.
settings.register_profile("minbil", deadline=None, print_blob=True)
settings.load_profile("minbil")
