"""Reproducible random streams keyed by plate, so the same plate always draws the same numbers."""

from __future__ import annotations

import hashlib
from random import Random


def plate_stream(plate: str, purpose: str) -> Random:
    """An independent stream for one aspect (`purpose`) of one plate's car. Seeded from SHA-256, never
    from Python's per-process hash()."""
    digest = hashlib.sha256(f"{plate}|{purpose}".encode()).digest()
    return Random(int.from_bytes(digest[:8], "big"))
