"""Real pictures for the tests, encoded with Pillow: the mock decodes every upload."""

from __future__ import annotations

import io
import random

from PIL import Image

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def picture(content_type: str = "image/png", width: int = 4, height: int = 3, seed: int = 0) -> bytes:
    """A `width` x `height` picture of seeded noise, encoded as `content_type`."""
    rng = random.Random(seed)
    pixels = bytes(rng.randrange(256) for _ in range(width * height * 3))
    image = Image.frombytes("RGB", (width, height), pixels)
    out = io.BytesIO()
    image.save(out, FORMATS[content_type])
    return out.getvalue()
