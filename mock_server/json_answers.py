"""What the JSON answers of every API share: their headers, and moments written as text."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from .request_context import current_request_id

JSON = "application/json"


def json_headers() -> dict[str, str]:
    # Set here too (not only by middleware) because response validation requires the header.
    return {"Content-Type": JSON, "X-Request-ID": current_request_id()}


def timestamp(moment: datetime) -> str:
    # Always with microseconds, so timestamps sort the same as text and as time.
    if moment.tzinfo is None:  # local time: its text depends on more than the instant
        return _utc_text(moment)
    return _known_utc_text(moment)


def moment_text(moment: datetime) -> str:
    """`timestamp` of a moment just read from a clock: never seen before, so not looked up."""
    if moment.tzinfo is UTC:
        return moment.isoformat(timespec="microseconds")[:-6] + "Z"
    return _utc_text(moment)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# A stored record's times are written on every read of it; an aware time's text is the instant's.
_known_utc_text = functools.lru_cache(maxsize=4096)(_utc_text)
