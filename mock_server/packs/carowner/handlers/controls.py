"""CarOwner's operations of the control API (control.yaml, tag Workshop): the workshop side of a
booking, played by plate, the bookings it made and the notification outbox. Thin adapters by
operationId, as the engine's control handlers; the pack's `controls` hands them to the control API
at /__mock. Also CarOwner's members of the engine's Sandbox and Snapshot shapes (`control_view`,
`snapshot_view`) and the notices that fell due as the clock moved (`time_passed`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ....control import representations as rep
from ....domain.errors import DomainError
from ....resolution import sandbox_of
from ....store.sandbox import Sandbox, SandboxRegistry
from ..domain import timeline
from ..domain.models import Booking, Notification, ServiceItem
from ..domain.outbox import Dispatch
from ..domain.workshop import EventOutcome, WorkshopSide
from ..state import held_state, owner_state
from .common import calendar_day, plate_from


class WorkshopControls:
    def __init__(self, sandboxes: SandboxRegistry, workshop: WorkshopSide) -> None:
        self._sandboxes = sandboxes
        self._workshop = workshop

    async def sendWorkshopEvent(self, user: str, body: dict[str, Any]):
        sandbox = sandbox_of(self._sandboxes, user)
        async with sandbox.lock:
            outcome = self._event(sandbox, body)
        return rep.ok(event_result(outcome), 201)

    def _event(self, sandbox: Sandbox, body: dict[str, Any]) -> EventOutcome:
        kind = body["type"]
        day = calendar_day(body.get("appointment_date"), "body.appointment_date")
        if kind == "booking.requested":
            plate = plate_from(body["registration_number"])
            assert plate is not None
            return self._workshop.request_booking(
                sandbox, plate, body.get("workshop_org_nr"), day, body.get("description")
            )
        if kind == "message.new":
            return self._workshop.send_message(
                sandbox, body["service_log_id"], body["body"], body.get("author_name")
            )
        try:
            booking_id = UUID(body["booking_id"])
        except ValueError as exc:  # the framework does not check the uuid format
            raise DomainError(
                "VALIDATION_FAILED", "booking_id is not a UUID.", field="body.booking_id"
            ) from exc
        if kind == "booking.accepted":
            return self._workshop.accept(sandbox, booking_id, day)
        if kind == "booking.declined":
            return self._workshop.decline(sandbox, booking_id, body.get("reason"))
        if kind == "booking.updated":
            return self._workshop.update(sandbox, booking_id, day, body.get("description"))
        items = [ServiceItem(i["description"], i["price_nok"]) for i in body.get("items", [])]
        return self._workshop.complete(sandbox, booking_id, items or None, body.get("mileage_km"))

    # --- the outbox ------------------------------------------------------------------------------

    async def listNotifications(
        self, user: str, event: str | None = None, channel: str | None = None, limit: int = 100
    ):
        sandbox = sandbox_of(self._sandboxes, user)
        timeline.deliver_due(sandbox)
        chosen = [
            n
            for n in owner_state(sandbox).outbox
            if (event is None or n.event == event) and (channel is None or n.channel == channel)
        ]
        return rep.ok({"notifications": [notification(n) for n in chosen[-limit:]]})

    async def clearNotifications(self, user: str):
        owner_state(sandbox_of(self._sandboxes, user)).outbox.clear()
        return rep.no_content()

    async def listBookings(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        bookings = sorted(owner_state(sandbox).bookings.values(), key=lambda b: b.created_at, reverse=True)
        return rep.ok({"bookings": [booking(b) for b in bookings]})


# --- control.yaml's Booking and WorkshopEventResult ------------------------------------------------


def booking(value: Booking) -> dict[str, Any]:
    return {
        "id": str(value.id),
        "registration_number": value.plate,
        "workshop": {
            "org_nr": value.workshop.org_nr,
            "name": value.workshop.name,
            "city": value.workshop.city,
        },
        "status": value.status,
        "appointment_date": value.appointment_date.isoformat(),
        "description": value.description,
        "created_at": rep.timestamp(value.created_at),
        "updated_at": rep.timestamp(value.updated_at),
        "decline_reason": value.decline_reason,
        "service_log_id": value.service_log_id,
    }


def event_result(outcome: EventOutcome) -> dict[str, Any]:
    own = next((d for d in outcome.dispatches if d.event == outcome.event), None)
    entry = outcome.entry
    result: dict[str, Any] = {"event": outcome.event}
    if outcome.booking is not None:
        result["booking"] = booking(outcome.booking)
    return {
        **result,
        "service_log_entry_id": entry.id if entry else None,
        "message_count": len(entry.messages) if entry and outcome.event == "message.new" else None,
        "notifications": notifications(outcome.dispatches),
        "suppressed_channels": list(own.suppressed) if own else [],
    }


def notification(value: Notification) -> dict[str, Any]:
    return {
        "id": str(value.id),
        "event": value.event,
        "channel": value.channel,
        "recipient": value.recipient,
        "at": rep.timestamp(value.at),
        "title": value.title,
        "body": value.body,
        "registration_number": value.registration_number,
        "booking_id": str(value.booking_id) if value.booking_id else None,
        "service_log_id": value.service_log_id,
    }


def notifications(dispatches: list[Dispatch] | tuple[Dispatch, ...]) -> list[dict[str, Any]]:
    return [notification(item) for dispatch in dispatches for item in dispatch.sent]


def time_passed(sandbox: Sandbox) -> list[dict[str, Any]]:
    """The notices that fell due by the sandbox's now, sent and shown as control.yaml's
    Notification (ApiPack.time_passed); a sandbox without a CarOwner part has none due."""
    return notifications(timeline.time_passed(sandbox))


def control_view(sandbox: Sandbox) -> dict[str, Any]:
    """CarOwner's counts in control.yaml's Sandbox (zero for a sandbox without its part)."""
    state = held_state(sandbox)
    if state is None:
        return {"counts": {"linked_vehicles": 0, "service_log_entries": 0, "bookings": 0, "notifications": 0}}
    return {
        "counts": {
            "linked_vehicles": len(state.links),
            "service_log_entries": len(state.service_log),
            "bookings": len(state.bookings),
            "notifications": len(state.outbox),
        }
    }


def snapshot_view(stored: Any) -> dict[str, Any]:
    """CarOwner's counts in control.yaml's Snapshot, from its part as the snapshot holds it."""
    stored = stored or {}
    return {
        "linked_vehicles": len(stored.get("links", [])),
        "service_log_entries": len(stored.get("service_log", [])),
    }
