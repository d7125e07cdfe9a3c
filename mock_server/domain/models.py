"""The mock's domain records. Plain dataclasses: no HTTP, no JSON, no storage concerns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from uuid import UUID

FuelType = Literal["petrol", "diesel", "electric", "plug_in_hybrid", "hybrid", "hydrogen", "gas", "other"]
RegistrationStatus = Literal["registered", "deregistered", "scrapped", "unknown"]
Sender = Literal["owner", "workshop"]

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
class RegistryData:
    """MinBil's view of one Statens vegvesen record (see vegvesen/mapping.py)."""

    make: str
    model: str
    vin: str
    first_registration_date: date | None
    registration_status: RegistrationStatus
    registration_status_text: str | None
    fuel_type: FuelType
    fuel_name: str | None
    colour: str | None
    body_type: str | None
    vehicle_class: str | None
    seats: int | None
    curb_weight_kg: int | None
    max_total_weight_kg: int | None
    max_trailer_weight_braked_kg: int | None
    power_kw: float | None
    eu_control_due: date | None
    eu_control_last_approved: date | None


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


@dataclass(frozen=True)
class StoredImage:
    """An uploaded vehicle image, served back at /media/<id>.<ext>."""

    id: str
    content_type: str
    content: bytes

    @property
    def filename(self) -> str:
        ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[self.content_type]
        return f"{self.id}.{ext}"


def default_preferences() -> dict[str, dict[str, bool]]:
    """Every event on every channel, as a new owner starts."""
    return {event: {channel: True for channel in NOTIFICATION_CHANNELS} for event in NOTIFICATION_EVENTS}
