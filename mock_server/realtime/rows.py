"""What a live event looks like on the wire: the broadcast on the owner's channel, and the row change
a MinBil backend's database would stream as `postgres_changes`.

The only place that knows these JSON shapes; openapi.yaml (getRealtimeConfig) and the docs page
describe every one. Tables are in schema `public` and every row has the owner's `user_id`.
A DELETE or UPDATE carries the row's primary key as `old_record` (Postgres' default replica
identity), not the whole old row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from ..domain.live import LiveEvent
from ..store.sandbox import Sandbox

SCHEMA = "public"
ChannelName = Literal["notifications", "bookings", "messages"]
CHANNEL_NAMES: tuple[ChannelName, ...] = ("notifications", "bookings", "messages")

# table -> its columns and their Postgres types (sent as `columns`), primary key first
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "notifications": (
        ("id", "uuid"), ("user_id", "uuid"), ("event", "text"), ("channel", "text"), ("recipient", "text"),
        ("title", "text"), ("body", "text"), ("created_at", "timestamptz"),
        ("registration_number", "text"), ("booking_id", "uuid"), ("service_log_id", "int8"),
    ),
    "bookings": (
        ("id", "uuid"), ("user_id", "uuid"), ("registration_number", "text"), ("workshop_org_nr", "text"),
        ("workshop_name", "text"), ("workshop_city", "text"), ("status", "text"),
        ("appointment_date", "date"), ("description", "text"), ("decline_reason", "text"),
        ("service_log_id", "int8"), ("created_at", "timestamptz"), ("updated_at", "timestamptz"),
    ),
    "service_log": (
        ("id", "int8"), ("user_id", "uuid"), ("booking_id", "uuid"), ("registration_number", "text"),
        ("workshop_org_nr", "text"), ("workshop_name", "text"), ("service_date", "date"),
        ("description", "text"), ("mileage_km", "int4"), ("total_price_nok", "int4"), ("rating", "int2"),
    ),
    "messages": (
        ("id", "uuid"), ("user_id", "uuid"), ("service_log_id", "int8"), ("registration_number", "text"),
        ("sender", "text"), ("author_name", "text"), ("body", "text"), ("sent_at", "timestamptz"),
    ),
    "vehicles": (
        ("user_id", "uuid"), ("registration_number", "text"), ("nickname", "text"), ("image_url", "text"),
        ("is_primary", "bool"), ("make", "text"), ("model", "text"), ("linked_at", "timestamptz"),
        ("updated_at", "timestamptz"),
    ),
    "notification_settings": (("user_id", "uuid"), ("preferences", "jsonb"), ("updated_at", "timestamptz")),
}  # fmt: skip
_KEYS = {
    "notifications": ("id",), "bookings": ("id",), "service_log": ("id",), "messages": ("id",),
    "vehicles": ("user_id", "registration_number"), "notification_settings": ("user_id",),
}  # fmt: skip
_TABLE_OF = {
    "notification": "notifications", "booking": "bookings", "service_log": "service_log",
    "message": "messages", "vehicle": "vehicles", "preferences": "notification_settings",
}  # fmt: skip


@dataclass(frozen=True)
class Broadcast:
    channel: ChannelName
    event: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class RowChange:
    table: str
    type: Literal["INSERT", "UPDATE", "DELETE"]
    record: dict[str, Any]
    old_record: dict[str, Any]
    commit_timestamp: str

    def data(self) -> dict[str, Any]:
        """The `data` of a `postgres_changes` message."""
        return {
            "schema": SCHEMA,
            "table": self.table,
            "commit_timestamp": self.commit_timestamp,
            "type": self.type,
            "columns": [{"name": name, "type": kind} for name, kind in TABLES[self.table]],
            "record": self.record,
            "old_record": self.old_record,
            "errors": None,
        }


@dataclass(frozen=True)
class Described:
    broadcast: Broadcast | None
    change: RowChange


def channel_topic(user_id: object, channel: ChannelName) -> str:
    """The channel name the app joins (GET /api/co/realtime/config gives the same three)."""
    return f"user:{user_id}:{channel}"


def describe(sandbox: Sandbox, event: LiveEvent) -> Described:
    user = str(sandbox.user_id)
    table = _TABLE_OF[event.kind]
    if event.kind == "vehicle":
        row = _vehicle(sandbox, event.subject, user, event.related)
    else:
        row = _ROW[event.kind](sandbox, event.subject, user)
    broadcast = _broadcast(event, row)
    if event.change == "DELETE":
        record: dict[str, Any] = {}
        old = {key: row[key] for key in _KEYS[table]}
    else:
        record = row
        old = {key: row[key] for key in _KEYS[table]} if event.change == "UPDATE" else {}
    change = RowChange(table, event.change, record, old, _timestamp(sandbox.clock.now()))
    return Described(broadcast, change)


def _broadcast(event: LiveEvent, row: dict[str, Any]) -> Broadcast | None:
    if event.kind == "notification":
        if row["channel"] != "push":  # the app shows what the owner wants pushed; e-mail stays mail
            return None
        payload = {k: row[k] for k in ("id", "event", "title", "body", "registration_number",
                                       "booking_id", "service_log_id")}  # fmt: skip
        return Broadcast("notifications", event.event, {**payload, "at": row["created_at"]})
    if event.kind == "booking":
        return Broadcast("bookings", event.event, row)
    if event.kind == "message":
        return Broadcast("messages", event.event, row)
    if event.kind == "vehicle":
        return Broadcast("notifications", event.event, row)
    if event.kind == "preferences":
        return Broadcast("notifications", event.event, {"preferences": row["preferences"]})
    return None  # a service-log entry: its booking.completed broadcast says it


def _notification(sandbox: Sandbox, value: Any, user: str) -> dict[str, Any]:
    return {
        "id": str(value.id), "user_id": user, "event": value.event, "channel": value.channel,
        "recipient": value.recipient, "title": value.title, "body": value.body,
        "created_at": _timestamp(value.at), "registration_number": value.registration_number,
        "booking_id": _text(value.booking_id), "service_log_id": value.service_log_id,
    }  # fmt: skip


def _booking(sandbox: Sandbox, value: Any, user: str) -> dict[str, Any]:
    return {
        "id": str(value.id), "user_id": user, "registration_number": value.plate,
        "workshop_org_nr": value.workshop.org_nr, "workshop_name": value.workshop.name,
        "workshop_city": value.workshop.city, "status": value.status,
        "appointment_date": _day(value.appointment_date), "description": value.description,
        "decline_reason": value.decline_reason, "service_log_id": value.service_log_id,
        "created_at": _timestamp(value.created_at), "updated_at": _timestamp(value.updated_at),
    }  # fmt: skip


def _service_log(sandbox: Sandbox, value: Any, user: str) -> dict[str, Any]:
    return {
        "id": value.id, "user_id": user, "booking_id": str(value.booking_id),
        "registration_number": value.plate, "workshop_org_nr": value.workshop.org_nr,
        "workshop_name": value.workshop.name, "service_date": _day(value.service_date),
        "description": value.description, "mileage_km": value.mileage_km,
        "total_price_nok": value.total_price_nok, "rating": value.rating,
    }  # fmt: skip


def _message(sandbox: Sandbox, value: Any, user: str) -> dict[str, Any]:
    entry, message = value
    return {
        "id": str(message.id), "user_id": user, "service_log_id": entry.id,
        "registration_number": entry.plate, "sender": message.sender,
        "author_name": message.author_name, "body": message.body, "sent_at": _timestamp(message.sent_at),
    }  # fmt: skip


def _vehicle(sandbox: Sandbox, value: Any, user: str, record: Any) -> dict[str, Any]:
    return {
        "user_id": user, "registration_number": value.plate, "nickname": value.nickname,
        "image_url": value.image_url, "is_primary": value.is_primary,
        "make": record.registry.make if record else None, "model": record.registry.model if record else None,
        "linked_at": _timestamp(value.linked_at), "updated_at": _timestamp(value.updated_at),
    }  # fmt: skip


def _preferences(sandbox: Sandbox, value: Any, user: str) -> dict[str, Any]:
    return {"user_id": user, "preferences": value, "updated_at": _timestamp(sandbox.clock.now())}


_ROW = {
    "notification": _notification,
    "booking": _booking,
    "service_log": _service_log,
    "message": _message,
    "preferences": _preferences,
}


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
