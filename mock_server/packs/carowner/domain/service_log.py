"""Read models over the caller's service log and a vehicle's history across owners."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from ....domain.errors import DomainError
from ....store.sandbox import Sandbox
from ..service_log_store import LogFilter
from ..state import owner_state
from .models import HistoryEntry, ServiceLogEntry

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    page: int
    page_size: int
    total: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total / self.page_size)


@dataclass(frozen=True)
class Summary:
    count: int
    rated_count: int
    average_rating: float | None
    last_service_date: date | None


@dataclass(frozen=True)
class VehicleHistoryItem:
    """One row of a vehicle's history: an earlier owner's visit or one of the caller's own."""

    id: str
    plate: str
    service_date: date
    mileage_km: int | None
    workshop_org_nr: str
    entry: HistoryEntry | ServiceLogEntry

    @property
    def from_current_owner(self) -> bool:
        return isinstance(self.entry, ServiceLogEntry)


def check_date_range(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise DomainError("INVALID_DATE_RANGE", "date_from is after date_to.", field="date_from")


def paginate(items: Sequence[T], page: int, page_size: int) -> Page[T]:
    start = (page - 1) * page_size
    return Page(items=items[start : start + page_size], page=page, page_size=page_size, total=len(items))


def latest(sandbox: Sandbox, where: LogFilter, limit: int) -> Sequence[ServiceLogEntry]:
    return owner_state(sandbox).service_log.select(where)[:limit]


def list_page(sandbox: Sandbox, where: LogFilter, page: int, page_size: int) -> Page[ServiceLogEntry]:
    return paginate(owner_state(sandbox).service_log.select(where), page, page_size)


def summary(sandbox: Sandbox, where: LogFilter) -> Summary:
    check_date_range(where.date_from, where.date_to)
    totals = owner_state(sandbox).service_log.aggregate(where)
    return Summary(
        count=totals.count,
        rated_count=totals.rated_count,
        average_rating=round(totals.rating_sum / totals.rated_count, 2) if totals.rated_count else None,
        last_service_date=totals.newest.service_date if totals.newest else None,
    )


def entry_for_messages(sandbox: Sandbox, entry_id: int) -> ServiceLogEntry:
    entry = owner_state(sandbox).service_log.get(entry_id)
    if entry is None:
        raise DomainError("SERVICE_LOG_NOT_FOUND", f"You have no service log entry {entry_id}.", field="id")
    return entry


def history_plate(sandbox: Sandbox, plate: str | None) -> str:
    """The vehicle a history request is about: the given one (must be linked) or the primary."""
    if plate is None:
        primary = owner_state(sandbox).primary()
        if primary is None:
            raise DomainError(
                "NO_PRIMARY_VEHICLE", "You have no linked vehicles, so there is no primary vehicle."
            )
        return primary.plate
    if plate not in owner_state(sandbox).links:
        raise DomainError(
            "VEHICLE_NOT_LINKED", f"{plate} is not linked to your account.", field="registration_number"
        )
    return plate


def vehicle_history(sandbox: Sandbox, plate: str, workshop_org_nr: str | None) -> list[VehicleHistoryItem]:
    """Earlier owners' visits and the caller's own, newest first (date, then id, descending)."""
    record = owner_state(sandbox).vehicles[plate]
    items = [
        VehicleHistoryItem(h.id, h.plate, h.service_date, h.mileage_km, h.workshop.org_nr, h)
        for h in record.earlier_owner_history
    ]
    items += [
        VehicleHistoryItem(f"sl-{e.id}", e.plate, e.service_date, e.mileage_km, e.workshop.org_nr, e)
        for e in owner_state(sandbox).service_log.select(LogFilter(plate=plate))
    ]
    if workshop_org_nr is not None:
        items = [item for item in items if item.workshop_org_nr == workshop_org_nr]
    items.sort(key=lambda item: (item.service_date, item.id), reverse=True)
    return items
