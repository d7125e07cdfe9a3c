"""Norwegian time as the registry writes it: Europe/Oslo offsets, Java-style fractional seconds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def utc_now() -> datetime:
    return datetime.now(UTC)


def oslo_date(moment: datetime) -> date:
    """The calendar day in Norway at `moment` (which must be timezone-aware)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(OSLO).date()


def seconds_until_oslo_midnight(moment: datetime) -> int:
    """Whole seconds (at least 1) from `moment` until the next midnight in Norway."""
    local = moment.astimezone(OSLO)
    next_midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=OSLO)
    return max(1, int((next_midnight - local).total_seconds() + 0.999))


def oslo_timestamp(day: date, at: time = time(0), millis: int | None = None) -> str:
    """An Oslo wall-clock time with its offset, written like the registry's Java back end:
    "2017-06-06T00:00:00+02:00", or with trailing zeros of the milliseconds dropped:
    "2019-06-17T08:02:43.42+02:00"."""
    local = datetime.combine(day, at.replace(microsecond=0), tzinfo=OSLO)
    text = local.isoformat()
    if millis:
        fraction = f"{millis:03d}".rstrip("0")
        text = f"{text[:19]}.{fraction}{text[19:]}"
    return text
