"""RFC 3339 timestamps from responses, compared as instants rather than strings."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def timestamp(value: Any) -> datetime:
    return datetime.fromisoformat(str(value).replace("z", "Z").replace("Z", "+00:00"))
