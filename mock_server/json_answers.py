"""What the JSON answers of every API share: their headers, and moments written as text."""

from __future__ import annotations

from datetime import UTC, datetime

from .request_context import current_request_id

JSON = "application/json"


def json_headers() -> dict[str, str]:
    # Set here too (not only by middleware) because response validation requires the header.
    return {"Content-Type": JSON, "X-Request-ID": current_request_id()}


def timestamp(moment: datetime) -> str:
    # Always with microseconds, so timestamps sort the same as text and as time.
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
