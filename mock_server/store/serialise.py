"""A sandbox as plain JSON data and back: for snapshots and for the state stores.

Explicit field by field, so the stored shape is a decision, not an accident of the dataclasses.
`SCHEMA_VERSION` goes with every stored state; a state of another version is refused, not guessed at.
The stores keep a sandbox as its core (`core_state`) and one row per vehicle, link and service-log
entry (store/row_layout.py), so a change writes what changed; put together again the rows and the
core are `sandbox_state`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from ..domain.clock import SandboxClock
from ..domain.control_models import (
    Booking,
    FaultRuleRecord,
    Notification,
    PendingNotice,
    RegistryFaults,
    SandboxExtras,
)
from ..domain.models import (
    HistoryEntry,
    Message,
    RegistryData,
    ServiceItem,
    ServiceLogEntry,
    VehicleLink,
    VehicleRecord,
    Workshop,
)
from ..packs.base import state_from_json
from .sandbox import Sandbox, Snapshot
from .service_log import ServiceLogStore

SCHEMA_VERSION = 1
State = dict[str, Any]


class StateVersionError(ValueError):
    """A stored state was written by another schema version."""


def sandbox_state(sandbox: Sandbox) -> State:
    """Everything of a sandbox except its identity, its snapshots and its lock."""
    return {
        **core_state(sandbox),
        "vehicles": [_vehicle(record) for record in sandbox.vehicles.values()],
        "links": [_link(link) for link in sandbox.links.values()],
        "service_log": [_entry(entry) for entry in sandbox.service_log],
    }


# The parts of a sandbox that grow with it; the stores keep them as rows beside the core.
BULK_PARTS = ("vehicles", "links", "service_log")


def core_state(sandbox: Sandbox) -> State:
    """`sandbox_state` without its bulk parts (BULK_PARTS): small whatever the sandbox holds."""
    return {
        "schema_version": SCHEMA_VERSION,
        "display_name": sandbox.display_name,
        "email": sandbox.email,
        "origin": sandbox.origin,
        "clock_offset_us": _micros(sandbox.clock.offset),
        "preferences": {event: dict(channels) for event, channels in sandbox.preferences.items()},
        "extras": _extras(sandbox.extras),
        "packs": {name: state.to_json() for name, state in sandbox.packs.items()},
    }


def vehicle_state(record: VehicleRecord) -> State:
    return _vehicle(record)


def link_state(link: VehicleLink) -> State:
    return _link(link)


def entry_state(entry: ServiceLogEntry) -> State:
    return _entry(entry)


def vehicle_fingerprint(record: VehicleRecord) -> tuple[object, ...]:
    """Equal while `vehicle_state(record)` is: cheap to compare (the parts are frozen or plain values)."""
    return (record.plate, record.registry, record.registry_refreshed_at, tuple(record.earlier_owner_history))


def link_fingerprint(link: VehicleLink) -> tuple[object, ...]:
    """Equal while `link_state(link)` is."""
    return (link.plate, link.linked_at, link.updated_at, link.nickname, link.image_url, link.is_primary)


def sandbox_from_state(token: str, user_id: UUID, state: State) -> Sandbox:
    check_version(state)
    service_log = ServiceLogStore.of(map(_entry_from, state["service_log"]))
    return Sandbox(
        token=token,
        user_id=user_id,
        display_name=state["display_name"],
        email=state["email"],
        origin=state["origin"],
        clock=SandboxClock(timedelta(microseconds=state["clock_offset_us"])),
        vehicles={raw["plate"]: _vehicle_from(raw) for raw in state["vehicles"]},
        links={raw["plate"]: _link_from(raw) for raw in state["links"]},
        service_log=service_log,
        preferences={event: dict(channels) for event, channels in state["preferences"].items()},
        extras=_extras_from(state["extras"]),
        # Written before the other APIs existed: their parts are empty.
        packs={name: state_from_json(name, raw) for name, raw in state.get("packs", {}).items()},
    )


def check_version(state: State) -> None:
    version = state.get("schema_version")
    if version != SCHEMA_VERSION:
        raise StateVersionError(
            f"stored sandbox state has schema version {version!r}; this mock reads version {SCHEMA_VERSION}"
        )


def snapshot_data(snapshot: Snapshot) -> State:
    return {"name": snapshot.name, "taken_at": _dt(snapshot.taken_at), "state": snapshot.state}


def snapshot_from(data: State) -> Snapshot:
    check_version(data["state"])
    return Snapshot(name=data["name"], taken_at=_dt_from(data["taken_at"]), state=data["state"])


# --- field by field -----------------------------------------------------------------------------


def _micros(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _dt(moment: datetime) -> str:
    return moment.isoformat()


def _dt_from(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"stored timestamp {text!r} has no time zone")
    return moment


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
        "registry_refreshed_at": _dt(record.registry_refreshed_at),
        "earlier_owner_history": [_history(entry) for entry in record.earlier_owner_history],
    }


def _vehicle_from(raw: State) -> VehicleRecord:
    return VehicleRecord(
        plate=raw["plate"],
        registry=_registry_from(raw["registry"]),
        registry_refreshed_at=_dt_from(raw["registry_refreshed_at"]),
        earlier_owner_history=[_history_from(entry) for entry in raw["earlier_owner_history"]],
    )


def _link(link: VehicleLink) -> State:
    return {
        "plate": link.plate,
        "linked_at": _dt(link.linked_at),
        "updated_at": _dt(link.updated_at),
        "nickname": link.nickname,
        "image_url": link.image_url,
        "is_primary": link.is_primary,
    }


def _link_from(raw: State) -> VehicleLink:
    return VehicleLink(
        plate=raw["plate"],
        linked_at=_dt_from(raw["linked_at"]),
        updated_at=_dt_from(raw["updated_at"]),
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
        "sent_at": _dt(message.sent_at),
        "read_at": _dt(message.read_at) if message.read_at else None,
    }


def _message_from(raw: State) -> Message:
    return Message(
        id=UUID(raw["id"]),
        sender=raw["sender"],
        author_name=raw["author_name"],
        body=raw["body"],
        sent_at=_dt_from(raw["sent_at"]),
        read_at=_dt_from(raw["read_at"]) if raw["read_at"] else None,
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
        "created_at": _dt(booking.created_at),
        "updated_at": _dt(booking.updated_at),
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
        created_at=_dt_from(raw["created_at"]),
        updated_at=_dt_from(raw["updated_at"]),
        decline_reason=raw["decline_reason"],
        service_log_id=raw["service_log_id"],
    )


def _notification(item: Notification) -> State:
    return {
        "id": str(item.id),
        "event": item.event,
        "channel": item.channel,
        "recipient": item.recipient,
        "at": _dt(item.at),
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
        at=_dt_from(raw["at"]),
        title=raw["title"],
        body=raw["body"],
        registration_number=raw["registration_number"],
        booking_id=UUID(raw["booking_id"]) if raw["booking_id"] else None,
        service_log_id=raw["service_log_id"],
    )


def _extras(extras: SandboxExtras) -> State:
    return {
        "bookings": [_booking(booking) for booking in extras.bookings.values()],
        "outbox": [_notification(item) for item in extras.outbox],
        "pending": [
            {"key": p.key, "event": p.event, "due_at": _dt(p.due_at), "service_log_id": p.service_log_id}
            for p in extras.pending
        ],
        "checked_until": _dt(extras.checked_until) if extras.checked_until else None,
        "registry_faults": extras.registry_faults.to_dict(),
        "fault_rules": [
            {"id": r.id, "rule": r.rule, "seed": r.seed, "created_at": _dt(r.created_at)}
            for r in extras.fault_rules
        ],
        "sequence": extras.sequence,
    }


def _extras_from(raw: State) -> SandboxExtras:
    bookings = [_booking_from(booking) for booking in raw["bookings"]]
    return SandboxExtras(
        bookings={booking.id: booking for booking in bookings},
        outbox=[_notification_from(item) for item in raw["outbox"]],
        pending=[
            PendingNotice(p["key"], p["event"], _dt_from(p["due_at"]), p["service_log_id"])
            for p in raw["pending"]
        ],
        checked_until=_dt_from(raw["checked_until"]) if raw["checked_until"] else None,
        registry_faults=RegistryFaults.from_dict(raw["registry_faults"]),
        fault_rules=[
            FaultRuleRecord(r["id"], r["rule"], r["seed"], _dt_from(r["created_at"]))
            for r in raw["fault_rules"]
        ],
        sequence=raw["sequence"],
    )
