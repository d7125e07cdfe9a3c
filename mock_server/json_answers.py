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
    """`timestamp` of a moment just read from a clock: never seen before, so its second's text is
    looked up and only the microseconds written (isoformat was a few per cent of a kept answer)."""
    if moment.tzinfo is not UTC:
        return _utc_text(moment)
    second = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    text = _second_texts.get(second)
    if text is None:
        if len(_second_texts) >= 1024:
            _second_texts.clear()
        text = _second_texts[second] = moment.replace(microsecond=0, tzinfo=None).isoformat() + "."
    return f"{text}{moment.microsecond:06d}Z"


_second_texts: dict[tuple[int, ...], str] = {}


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# A stored record's times are written on every read of it; an aware time's text is the instant's.
_known_utc_text = functools.lru_cache(maxsize=4096)(_utc_text)
