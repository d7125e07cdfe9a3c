"""CarOwner's domain records. Plain dataclasses: no HTTP, no JSON, no storage concerns. A car's
registry data is the registry pack's (`registry.registry_data.RegistryData`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ...registry.registry_data import RegistryData

Sender = Literal["owner", "workshop"]
BookingStatus = Literal["requested", "accepted", "declined", "completed"]
Channel = Literal["email", "push"]

NOTIFICATION_EVENTS: tuple[str, ...] = (
    "booking.requested",
    "booking.accepted",
    "booking.declined",
    "booking.updated",
    "booking.completed",
    "message.new",
    "rating.reminder",
)
NOTIFICATION_CHANNELS: tuple[str, ...] = ("email", "push")


@dataclass(frozen=True)
class Workshop:
    org_nr: str
    name: str
    city: str


@dataclass(frozen=True)
class HistoryEntry:
    """A workshop visit of a vehicle by an earlier owner: no private details (price, rating)."""

    id: str
    plate: str
    service_date: date
    mileage_km: int | None
    workshop: Workshop
    description: str


@dataclass
class VehicleRecord:
    """A vehicle known to the sandbox. Kept when unlinked, so a re-link finds it again."""

    plate: str
    registry: RegistryData
    registry_refreshed_at: datetime
    earlier_owner_history: list[HistoryEntry] = field(default_factory=list)


@dataclass
class VehicleLink:
    """The caller's link to a vehicle: the per-owner data layered on the record."""

    plate: str
    linked_at: datetime
    updated_at: datetime
    nickname: str | None = None
    image_url: str | None = None
    is_primary: bool = False


@dataclass(frozen=True)
class ServiceItem:
    description: str
    price_nok: int


@dataclass
class Message:
    id: UUID
    sender: Sender
    author_name: str
    body: str
    sent_at: datetime
    read_at: datetime | None = None


@dataclass
class ServiceLogEntry:
    """One completed workshop booking of the caller."""

    id: int
    booking_id: UUID
    plate: str
    workshop: Workshop
    service_date: date
    description: str
    items: list[ServiceItem]
    mileage_km: int
    rating: int | None = None
    messages: list[Message] = field(default_factory=list)

    @property
    def total_price_nok(self) -> int:
        return sum(item.price_nok for item in self.items)


def default_preferences() -> dict[str, dict[str, bool]]:
    """Every event on every channel, as a new owner starts."""
    return {event: {channel: True for channel in NOTIFICATION_CHANNELS} for event in NOTIFICATION_EVENTS}


@dataclass
class Booking:
    """A workshop booking as the workshop side drives it; completion turns it into a service-log entry."""

    id: UUID
    plate: str
    workshop: Workshop
    status: BookingStatus
    appointment_date: date
    description: str
    created_at: datetime
    updated_at: datetime
    decline_reason: str | None = None
    service_log_id: int | None = None


@dataclass(frozen=True)
class Notification:
    """One notification that would have gone out on one channel."""

    id: UUID
    event: str
    channel: Channel
    recipient: str
    at: datetime
    title: str
    body: str
    registration_number: str | None = None
    booking_id: UUID | None = None
    service_log_id: int | None = None


@dataclass(frozen=True)
class PendingNotice:
    """A notification due later on the sandbox clock (a rating reminder); sent once `due_at` passes."""

    key: str
    event: str
    due_at: datetime
    service_log_id: int
