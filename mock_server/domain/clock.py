"""Per-sandbox time. Strictly increasing, so "most recently updated" is never a tie."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

_TICK = timedelta(microseconds=1)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SandboxClock:
    """Wall-clock time plus an offset that can be moved forward; never returns the same instant twice."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset
        self._last: datetime | None = None

    def now(self) -> datetime:
        current = datetime.now(UTC) + self.offset
        if self._last is not None and current <= self._last:
            current = self._last + _TICK
        self._last = current
        return current

    def today(self) -> date:
        return self.now().date()

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self.offset += delta
