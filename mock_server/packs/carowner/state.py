"""CarOwner's part of a sandbox: the owner's vehicles and links, the service log, the notification
preferences, and what the controls keep beside them (bookings, the outbox, pending notices). Plain
data, written as JSON field by field (the stored shape is a decision, not an accident of the
dataclasses); vehicles, links and service-log entries are rows of their own in the stores
(`ROWS`: kinds "carowner.vehicle", "carowner.link", "carowner.entry"), so a write costs what
changed. Every module reaches it through `owner_state(sandbox)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from ...store.sandbox import Sandbox
from ...store.serialise import moment_from_stored, stored_moment
from ..base import KeyedRows, LogRows, part_of
from .domain.models import (
    Booking,
    HistoryEntry,
    Message,
    Notification,
    PendingNotice,
    RegistryData,
    ServiceItem,
    ServiceLogEntry,
    VehicleLink,
    VehicleRecord,
    Workshop,
    default_preferences,
)
from .service_log_store import ServiceLogStore

NAME = "carowner"
State = dict[str, Any]


def vehicle_fingerprint(record: VehicleRecord) -> tuple[object, ...]:
    """Equal while the vehicle's JSON is: cheap to compare (the parts are frozen or plain values)."""
    return (record.plate, record.registry, record.registry_refreshed_at, tuple(record.earlier_owner_history))


def link_fingerprint(link: VehicleLink) -> tuple[object, ...]:
    """Equal while the link's JSON is."""
    return (link.plate, link.linked_at, link.updated_at, link.nickname, link.image_url, link.is_primary)


@dataclass
class CarOwnerState:
    vehicles: dict[str, VehicleRecord] = field(default_factory=dict)
    links: dict[str, VehicleLink] = field(default_factory=dict)
    service_log: ServiceLogStore = field(default_factory=ServiceLogStore)
    preferences: dict[str, dict[str, bool]] = field(default_factory=default_preferences)
    bookings: dict[UUID, Booking] = field(default_factory=dict)
    outbox: list[Notification] = field(default_factory=list)
    pending: list[PendingNotice] = field(default_factory=list)
    # Timed notices (EU-kontroll) are sent for moments in (checked_until, now]; None: not yet started.
    checked_until: datetime | None = None
    sequence: int = 0  # numbers ids (bookings, notifications) so they are stable per sandbox

    ROWS: ClassVar[tuple[KeyedRows | LogRows, ...]]

    def next_number(self) -> int:
        self.sequence += 1
        return self.sequence

    def primary(self) -> VehicleLink | None:
        return next((link for link in self.links.values() if link.is_primary), None)

    def clock_started(self, now: datetime) -> None:
        self.checked_until = now

    def image_locations(self) -> list[str | None]:
        return [link.image_url for link in self.links.values()]

    def core_json(self) -> State:
        return {
            "preferences": {event: dict(channels) for event, channels in self.preferences.items()},
            "bookings": [_booking(booking) for booking in self.bookings.values()],
            "outbox": [_notification(item) for item in self.outbox],
            "pending": [
                {
                    "key": p.key,
                    "event": p.event,
                    "due_at": stored_moment(p.due_at),
                    "service_log_id": p.service_log_id,
                }
                for p in self.pending
            ],
            "checked_until": stored_moment(self.checked_until) if self.checked_until else None,
            "sequence": self.sequence,
        }

    def to_json(self) -> State:
        return {
            **self.core_json(),
            "vehicles": [_vehicle(record) for record in self.vehicles.values()],
            "links": [_link(link) for link in self.links.values()],
            "service_log": [_entry(entry) for entry in self.service_log],
        }

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"CarOwnerState({len(self.links)} links, {len(self.service_log)} entries)")


CarOwnerState.ROWS = (
    KeyedRows(
        "vehicle", "vehicles", lambda state: state.vehicles, vehicle_fingerprint,
        lambda record: _vehicle(record), lambda raw: raw["plate"],
    ),
    KeyedRows(
        "link", "links", lambda state: state.links, link_fingerprint,
        lambda link: _link(link), lambda raw: raw["plate"],
    ),
    LogRows("entry", "service_log", lambda state: state.service_log, lambda entry: _entry(entry)),
)  # fmt: skip


def state_from_json(raw: Mapping[str, Any]) -> CarOwnerState:
    bookings = [_booking_from(booking) for booking in raw.get("bookings", [])]
    checked_until = raw.get("checked_until")
    return CarOwnerState(
        vehicles={item["plate"]: _vehicle_from(item) for item in raw.get("vehicles", [])},
        links={item["plate"]: _link_from(item) for item in raw.get("links", [])},
        service_log=ServiceLogStore.of(map(_entry_from, raw.get("service_log", []))),
        preferences={
            event: dict(channels) for event, channels in raw.get("preferences", default_preferences()).items()
        },
        bookings={booking.id: booking for booking in bookings},
        outbox=[_notification_from(item) for item in raw.get("outbox", [])],
        pending=[
            PendingNotice(p["key"], p["event"], moment_from_stored(p["due_at"]), p["service_log_id"])
            for p in raw.get("pending", [])
        ],
        checked_until=moment_from_stored(checked_until) if checked_until else None,
        sequence=raw.get("sequence", 0),
    )


def owner_state(sandbox: Sandbox) -> CarOwnerState:
    """CarOwner's part of the sandbox (made empty the first time it is needed)."""
    state = sandbox.packs.get(NAME)
    if state is None:
        state = part_of(sandbox, NAME, CarOwnerState)
    return state


def held_state(sandbox: Sandbox) -> CarOwnerState | None:
    """CarOwner's part of the sandbox if it has one, without making it."""
    return sandbox.packs.get(NAME)


def summary(sandbox: Sandbox) -> str | None:
    state = held_state(sandbox)
    if state is None or not (state.links or len(state.service_log)):
        return None
    cars, entries = len(state.links), len(state.service_log)
    vehicles = f"{cars} vehicle" + ("" if cars == 1 else "s")
    return f"{vehicles}, {entries} service-log entr" + ("y" if entries == 1 else "ies")


def stored_images(raw: Mapping[str, Any]) -> Iterable[str | None]:
    return [link.get("image_url") for link in raw.get("links", ())]


# --- field by field -----------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _day_from(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _workshop(value: Workshop) -> State:
    return {"org_nr": value.org_nr, "name": value.name, "city": value.city}


def _workshop_from(raw: State) -> Workshop:
    return Workshop(raw["org_nr"], raw["name"], raw["city"])


def _registry(data: RegistryData) -> State:
    return {
        **{name: getattr(data, name) for name in _REGISTRY_PLAIN},
        "first_registration_date": _day(data.first_registration_date),
        "eu_control_due": _day(data.eu_control_due),
        "eu_control_last_approved": _day(data.eu_control_last_approved),
    }


_REGISTRY_PLAIN = (
    "make", "model", "vin", "registration_status", "registration_status_text", "fuel_type", "fuel_name",
    "colour", "body_type", "vehicle_class", "seats", "curb_weight_kg", "max_total_weight_kg",
    "max_trailer_weight_braked_kg", "power_kw",
)  # fmt: skip


def _registry_from(raw: State) -> RegistryData:
    return RegistryData(
        **{name: raw[name] for name in _REGISTRY_PLAIN},
        first_registration_date=_day_from(raw["first_registration_date"]),
        eu_control_due=_day_from(raw["eu_control_due"]),
        eu_control_last_approved=_day_from(raw["eu_control_last_approved"]),
    )


def _history(entry: HistoryEntry) -> State:
    return {
        "id": entry.id,
        "plate": entry.plate,
        "service_date": _day(entry.service_date),
        "mileage_km": entry.mileage_km,
        "workshop": _workshop(entry.workshop),
        "description": entry.description,
    }


def _history_from(raw: State) -> HistoryEntry:
    return HistoryEntry(
        id=raw["id"],
        plate=raw["plate"],
        service_date=date.fromisoformat(raw["service_date"]),
        mileage_km=raw["mileage_km"],
        workshop=_workshop_from(raw["workshop"]),
        description=raw["description"],
    )


def _vehicle(record: VehicleRecord) -> State:
    return {
        "plate": record.plate,
        "registry": _registry(record.registry),
        "registry_refreshed_at": stored_moment(record.registry_refreshed_at),
        "earlier_owner_history": [_history(entry) for entry in record.earlier_owner_history],
    }


def _vehicle_from(raw: State) -> VehicleRecord:
    return VehicleRecord(
        plate=raw["plate"],
        registry=_registry_from(raw["registry"]),
        registry_refreshed_at=moment_from_stored(raw["registry_refreshed_at"]),
        earlier_owner_history=[_history_from(entry) for entry in raw["earlier_owner_history"]],
    )


def _link(link: VehicleLink) -> State:
    return {
        "plate": link.plate,
        "linked_at": stored_moment(link.linked_at),
        "updated_at": stored_moment(link.updated_at),
        "nickname": link.nickname,
        "image_url": link.image_url,
        "is_primary": link.is_primary,
    }


def _link_from(raw: State) -> VehicleLink:
    return VehicleLink(
        plate=raw["plate"],
        linked_at=moment_from_stored(raw["linked_at"]),
        updated_at=moment_from_stored(raw["updated_at"]),
        nickname=raw["nickname"],
        image_url=raw["image_url"],
        is_primary=raw["is_primary"],
    )


def _message(message: Message) -> State:
    return {
        "id": str(message.id),
        "sender": message.sender,
        "author_name": message.author_name,
        "body": message.body,
        "sent_at": stored_moment(message.sent_at),
        "read_at": stored_moment(message.read_at) if message.read_at else None,
    }


def _message_from(raw: State) -> Message:
    return Message(
        id=UUID(raw["id"]),
        sender=raw["sender"],
        author_name=raw["author_name"],
        body=raw["body"],
        sent_at=moment_from_stored(raw["sent_at"]),
        read_at=moment_from_stored(raw["read_at"]) if raw["read_at"] else None,
    )


def _entry(entry: ServiceLogEntry) -> State:
    return {
        "id": entry.id,
        "booking_id": str(entry.booking_id),
        "plate": entry.plate,
        "workshop": _workshop(entry.workshop),
        "service_date": _day(entry.service_date),
        "description": entry.description,
        "items": [[item.description, item.price_nok] for item in entry.items],
        "mileage_km": entry.mileage_km,
        "rating": entry.rating,
        "messages": [_message(message) for message in entry.messages],
    }


def _entry_from(raw: State) -> ServiceLogEntry:
    return ServiceLogEntry(
        id=raw["id"],
        booking_id=UUID(raw["booking_id"]),
        plate=raw["plate"],
        workshop=_workshop_from(raw["workshop"]),
        service_date=date.fromisoformat(raw["service_date"]),
        description=raw["description"],
        items=[ServiceItem(description, price) for description, price in raw["items"]],
        mileage_km=raw["mileage_km"],
        rating=raw["rating"],
        messages=[_message_from(message) for message in raw["messages"]],
    )


def _booking(booking: Booking) -> State:
    return {
        "id": str(booking.id),
        "plate": booking.plate,
        "workshop": _workshop(booking.workshop),
        "status": booking.status,
        "appointment_date": _day(booking.appointment_date),
        "description": booking.description,
        "created_at": stored_moment(booking.created_at),
        "updated_at": stored_moment(booking.updated_at),
        "decline_reason": booking.decline_reason,
        "service_log_id": booking.service_log_id,
    }


def _booking_from(raw: State) -> Booking:
    return Booking(
        id=UUID(raw["id"]),
        plate=raw["plate"],
        workshop=_workshop_from(raw["workshop"]),
        status=raw["status"],
        appointment_date=date.fromisoformat(raw["appointment_date"]),
        description=raw["description"],
        created_at=moment_from_stored(raw["created_at"]),
        updated_at=moment_from_stored(raw["updated_at"]),
        decline_reason=raw["decline_reason"],
        service_log_id=raw["service_log_id"],
    )


def _notification(item: Notification) -> State:
    return {
        "id": str(item.id),
        "event": item.event,
        "channel": item.channel,
        "recipient": item.recipient,
        "at": stored_moment(item.at),
        "title": item.title,
        "body": item.body,
        "registration_number": item.registration_number,
        "booking_id": str(item.booking_id) if item.booking_id else None,
        "service_log_id": item.service_log_id,
    }


def _notification_from(raw: State) -> Notification:
    return Notification(
        id=UUID(raw["id"]),
        event=raw["event"],
        channel=raw["channel"],
        recipient=raw["recipient"],
        at=moment_from_stored(raw["at"]),
        title=raw["title"],
        body=raw["body"],
        registration_number=raw["registration_number"],
        booking_id=UUID(raw["booking_id"]) if raw["booking_id"] else None,
        service_log_id=raw["service_log_id"],
    )
