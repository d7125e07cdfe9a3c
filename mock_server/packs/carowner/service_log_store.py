"""A sandbox's service log, kept in list order (newest date first, then highest id) with indexes.

Pages, `latest` and date ranges are slices found by bisection, so their cost does not grow with
the number of entries a sandbox holds.

The store also remembers which entries were added or changed since a state store last took them
(`take_changes`), so writing a change costs what changed. Entries are mutable: code that changes an
entry in place (a message appended to its thread, say) tells the store with `mark_changed`.
"""

from __future__ import annotations

import bisect
import typing as t
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from .domain.models import ServiceLogEntry

_Key = tuple[int, int]


def _key(entry: ServiceLogEntry) -> _Key:
    return (-entry.service_date.toordinal(), -entry.id)


def _first(pair: tuple[_Key, ServiceLogEntry]) -> _Key:
    return pair[0]


@dataclass(frozen=True)
class LogFilter:
    plate: str | None = None
    workshop_org_nr: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class LogAggregate:
    count: int
    rated_count: int
    rating_sum: int
    newest: ServiceLogEntry | None


class Window(Sequence[ServiceLogEntry]):
    """entries[start:end] without copying them: a page of a large sandbox costs what a small one does."""

    def __init__(self, entries: list[ServiceLogEntry], start: int, end: int) -> None:
        end = min(end, len(entries))
        self._entries, self._start, self._end = entries, min(start, end), end

    def __len__(self) -> int:
        return self._end - self._start

    @t.overload
    def __getitem__(self, index: int) -> ServiceLogEntry: ...
    @t.overload
    def __getitem__(self, index: slice) -> list[ServiceLogEntry]: ...
    def __getitem__(self, index: int | slice) -> ServiceLogEntry | list[ServiceLogEntry]:
        if isinstance(index, slice):
            first, last, step = index.indices(len(self))
            return (
                self._entries[self._start + first : self._start + last : step]
                if step > 0
                else [self[i] for i in range(first, last, step)]
            )
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("service-log window index out of range")
        return self._entries[self._start + index]

    def __iter__(self) -> Iterator[ServiceLogEntry]:
        return iter(self._entries[self._start : self._end])


class _OrderedEntries:
    """Entries sorted by list order, with their keys alongside for bisection."""

    def __init__(self) -> None:
        self.keys: list[_Key] = []
        self.entries: list[ServiceLogEntry] = []
        # Running totals in list order (rated entries, rating sums), rebuilt after an insert on the
        # next summary: a summary is then two subtractions, whatever the sandbox holds.
        self._rated: list[int] | None = None
        self._rating_sums: list[int] | None = None

    def insert(self, entry: ServiceLogEntry) -> None:
        position = bisect.bisect_left(self.keys, _key(entry))
        self.keys.insert(position, _key(entry))
        self.entries.insert(position, entry)
        self._rated = self._rating_sums = None

    def totals(self, start: int, end: int) -> tuple[int, int]:
        """(rated entries, sum of their ratings) among entries[start:end]."""
        if self._rated is None or self._rating_sums is None:
            rated, sums = [0], [0]
            for entry in self.entries:
                rated.append(rated[-1] + (entry.rating is not None))
                sums.append(sums[-1] + (entry.rating or 0))
            self._rated, self._rating_sums = rated, sums
        return self._rated[end] - self._rated[start], self._rating_sums[end] - self._rating_sums[start]

    def date_window(self, date_from: date | None, date_to: date | None) -> tuple[int, int]:
        start = 0 if date_to is None else bisect.bisect_left(self.keys, (-date_to.toordinal(), -(2**63)))
        end = (
            len(self.keys)
            if date_from is None
            else bisect.bisect_right(self.keys, (-date_from.toordinal(), 2**63))
        )
        return start, max(start, end)


class ServiceLogStore:
    def __init__(self) -> None:
        self._by_id: dict[int, ServiceLogEntry] = {}
        self._all = _OrderedEntries()
        self._by_plate: dict[str, _OrderedEntries] = defaultdict(_OrderedEntries)
        self._by_workshop: dict[str, _OrderedEntries] = defaultdict(_OrderedEntries)
        # Ids added or changed since `take_changes` last ran (a store built by `of` starts clean).
        self._changed: set[int] = set()

    def mark_changed(self, *entry_ids: int) -> None:
        """The entries of `entry_ids` were changed in place: the next write of the sandbox writes them."""
        self._changed.update(entry_ids)

    def take_changes(self) -> set[int]:
        """The ids added or changed since the last call (their entries may have been removed since);
        a write that fails gives them back with `mark_changed`."""
        changed, self._changed = self._changed, set()
        return changed

    def __len__(self) -> int:
        return len(self._by_id)

    def next_id(self) -> int:
        return max(self._by_id, default=1000) + 1

    @classmethod
    def of(cls, entries: Iterable[ServiceLogEntry]) -> ServiceLogStore:
        """A store holding `entries`, as if each was added: built at once, not entry by entry (a
        restore of 10 000 entries would insert 30 000 times)."""
        store = cls()
        ordered = sorted(((_key(entry), entry) for entry in entries), key=_first)
        for key, entry in ordered:
            if entry.id in store._by_id:
                raise ValueError(f"service log entry {entry.id} exists")
            store._by_id[entry.id] = entry
            for index in (
                store._all,
                store._by_plate[entry.plate],
                store._by_workshop[entry.workshop.org_nr],
            ):
                index.keys.append(key)
                index.entries.append(entry)
        return store

    def add(self, entry: ServiceLogEntry) -> None:
        if entry.id in self._by_id:
            raise ValueError(f"service log entry {entry.id} exists")
        self._by_id[entry.id] = entry
        self._changed.add(entry.id)
        self._all.insert(entry)
        self._by_plate[entry.plate].insert(entry)
        self._by_workshop[entry.workshop.org_nr].insert(entry)

    def get(self, entry_id: int) -> ServiceLogEntry | None:
        return self._by_id.get(entry_id)

    def plates(self) -> set[str]:
        return {plate for plate, ordered in self._by_plate.items() if ordered.entries}

    def _index(self, where: LogFilter) -> _OrderedEntries | None:
        if where.plate is not None:
            return self._by_plate.get(where.plate)
        if where.workshop_org_nr is not None:
            return self._by_workshop.get(where.workshop_org_nr)
        return self._all

    def aggregate(self, where: LogFilter) -> LogAggregate:
        """Count, ratings and newest entry of the filter's entries, without walking them."""
        if where.plate is not None and where.workshop_org_nr is not None:
            entries = self.select(where)
            ratings = [e.rating for e in entries if e.rating is not None]
            return LogAggregate(len(entries), len(ratings), sum(ratings), entries[0] if entries else None)
        base = self._index(where)
        if base is None:
            return LogAggregate(0, 0, 0, None)
        start, end = base.date_window(where.date_from, where.date_to)
        rated, rating_sum = base.totals(start, end)
        return LogAggregate(end - start, rated, rating_sum, base.entries[start] if end > start else None)

    def select(self, where: LogFilter) -> Sequence[ServiceLogEntry]:
        """All entries matching the filter, in list order."""
        base = self._index(where)
        if base is None:
            return []
        start, end = base.date_window(where.date_from, where.date_to)
        window = Window(base.entries, start, end)
        if where.plate is not None and where.workshop_org_nr is not None:
            return [e for e in window if e.workshop.org_nr == where.workshop_org_nr]
        return window

    def __iter__(self) -> Iterator[ServiceLogEntry]:
        return iter(self._all.entries)
