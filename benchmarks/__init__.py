"""Side-by-side load benchmark of the MinBil mock and Prism on the same openapi.yaml (see run.py)."""
