"""The workshop side of a booking, simulated: what the owner's app reacts to.

A booking is requested, then accepted or declined; an open booking can be updated (new date or
description); an accepted one is completed, which writes the service-log entry (mileage above the
car's last reading) and schedules a rating reminder. A workshop can write in an entry's thread.
Every event goes through the outbox under the owner's notification preferences, and each change is
published live (domain/live.py): the booking row, the service-log entry, the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol
from uuid import UUID, uuid4, uuid5

from ....domain.errors import DomainError
from ....domain.live import LiveEvent, publish
from ....store.sandbox import Sandbox
from ..service_log_store import LogFilter
from ..state import owner_state
from .models import Booking, Message, PendingNotice, ServiceItem, ServiceLogEntry, Workshop
from .outbox import Dispatch, Reference, kroner, norwegian_date, notify
from .timeline import RATING_REMINDER_DELAY, deliver_due
from .vehicles import not_linked

DEFAULT_LEAD_DAYS = 7
KM_PER_YEAR = 12_000  # the pace assumed when a completion gives no mileage


class WorkshopCatalogue(Protocol):
    """Known workshops and what a job costs; seeding.py gives one drawn from fixtures/."""

    def workshop(self, org_nr: str) -> Workshop | None: ...

    def default_workshop(self) -> Workshop | None: ...

    def items_for(self, description: str, seed: int, fuel_type: str | None = None) -> list[ServiceItem]:
        """The invoice lines of a job on a car of `fuel_type` (no spark plugs on a diesel)."""
        ...

    def periodic_service(
        self, electric: bool, mileage_km: int, seed: int, fuel_type: str | None = None
    ) -> str:
        """What a periodic service of such a car is called ("Service etter 60 000 km")."""
        ...


class NoCatalogue:
    """For a world without fixtures: workshops come only from the sandbox's own service log."""

    def workshop(self, org_nr: str) -> Workshop | None:
        return None

    def default_workshop(self) -> Workshop | None:
        return None

    def items_for(self, description: str, seed: int, fuel_type: str | None = None) -> list[ServiceItem]:
        return [ServiceItem(description, 1490)]

    def periodic_service(
        self, electric: bool, mileage_km: int, seed: int, fuel_type: str | None = None
    ) -> str:
        return "Service"


@dataclass(frozen=True)
class EventOutcome:
    event: str
    booking: Booking | None
    entry: ServiceLogEntry | None
    dispatches: tuple[Dispatch, ...]


class WorkshopSide:
    def __init__(self, catalogue: WorkshopCatalogue | None = None) -> None:
        self._catalogue = catalogue or NoCatalogue()

    def request_booking(
        self,
        sandbox: Sandbox,
        plate: str,
        workshop_org_nr: str | None = None,
        appointment_date: date | None = None,
        description: str | None = None,
    ) -> EventOutcome:
        if plate not in owner_state(sandbox).links:
            raise not_linked(plate)
        now = sandbox.clock.now()
        day = appointment_date or now.date() + timedelta(days=DEFAULT_LEAD_DAYS)
        if description is None:
            fuel = owner_state(sandbox).vehicles[plate].registry.fuel_type
            mileage = self._last_reading(sandbox, plate)[0]
            description = self._catalogue.periodic_service(
                fuel == "electric", mileage, owner_state(sandbox).sequence, fuel
            )
        booking = Booking(
            id=uuid5(sandbox.user_id, f"booking-{owner_state(sandbox).next_number()}"),
            plate=plate,
            workshop=self._workshop(sandbox, plate, workshop_org_nr),
            status="requested",
            appointment_date=day,
            description=description,
            created_at=now,
            updated_at=now,
        )
        owner_state(sandbox).bookings[booking.id] = booking
        publish(sandbox, LiveEvent("booking", "booking.requested", "INSERT", booking))
        return self._tell(
            sandbox,
            "booking.requested",
            booking,
            "Bestillingen er sendt",
            f"{booking.workshop.name} har fått forespørselen din om {booking.description.lower()} "
            f"for {plate} {norwegian_date(day)}.",
        )

    def accept(
        self, sandbox: Sandbox, booking_id: UUID, appointment_date: date | None = None
    ) -> EventOutcome:
        booking = self._booking(sandbox, booking_id, allowed=("requested",), event="booking.accepted")
        booking.appointment_date = appointment_date or booking.appointment_date
        booking.status = "accepted"
        booking.updated_at = sandbox.clock.now()
        return self._tell(
            sandbox,
            "booking.accepted",
            booking,
            "Timen er bekreftet",
            f"{booking.workshop.name} har bekreftet timen for {booking.plate} "
            f"{norwegian_date(booking.appointment_date)}.",
        )

    def decline(self, sandbox: Sandbox, booking_id: UUID, reason: str | None = None) -> EventOutcome:
        booking = self._booking(sandbox, booking_id, allowed=("requested",), event="booking.declined")
        booking.status = "declined"
        booking.decline_reason = reason
        booking.updated_at = sandbox.clock.now()
        because = f" Begrunnelse: {reason}" if reason else ""
        return self._tell(
            sandbox,
            "booking.declined",
            booking,
            "Bestillingen ble avslått",
            f"{booking.workshop.name} kan dessverre ikke ta imot {booking.plate} "
            f"{norwegian_date(booking.appointment_date)}.{because}",
        )

    def update(
        self,
        sandbox: Sandbox,
        booking_id: UUID,
        appointment_date: date | None = None,
        description: str | None = None,
    ) -> EventOutcome:
        booking = self._booking(
            sandbox, booking_id, allowed=("requested", "accepted"), event="booking.updated"
        )
        if appointment_date is None and description is None:
            raise DomainError("VALIDATION_FAILED", "Give appointment_date and/or description.", field="body")
        booking.appointment_date = appointment_date or booking.appointment_date
        booking.description = description or booking.description
        booking.updated_at = sandbox.clock.now()
        return self._tell(
            sandbox,
            "booking.updated",
            booking,
            "Timen er endret",
            f"{booking.workshop.name} har endret timen for {booking.plate}: {booking.description.lower()} "
            f"{norwegian_date(booking.appointment_date)}.",
        )

    def complete(
        self,
        sandbox: Sandbox,
        booking_id: UUID,
        items: Sequence[ServiceItem] | None = None,
        mileage_km: int | None = None,
    ) -> EventOutcome:
        booking = self._booking(sandbox, booking_id, allowed=("accepted",), event="booking.completed")
        now = sandbox.clock.now()
        last_km, last_day = self._last_reading(sandbox, booking.plate)
        if mileage_km is None:
            mileage_km = last_km + max(100, round(KM_PER_YEAR * (now.date() - last_day).days / 365))
        elif mileage_km <= last_km:
            raise DomainError(
                "MILEAGE_NOT_ABOVE_LAST",
                f"mileage_km must be above the car's last reading ({last_km} km).",
                field="body.mileage_km",
            )
        entry = ServiceLogEntry(
            id=owner_state(sandbox).service_log.next_id(),
            booking_id=booking.id,
            plate=booking.plate,
            workshop=booking.workshop,
            service_date=now.date(),
            description=booking.description,
            items=list(items)
            if items
            else self._catalogue.items_for(
                booking.description, owner_state(sandbox).sequence, self._fuel_type(sandbox, booking.plate)
            ),
            mileage_km=mileage_km,
        )
        owner_state(sandbox).service_log.add(entry)
        publish(sandbox, LiveEvent("service_log", "service_log.created", "INSERT", entry))
        booking.status = "completed"
        booking.service_log_id = entry.id
        booking.updated_at = now
        owner_state(sandbox).pending.append(
            PendingNotice(
                f"rating-reminder:{entry.id}", "rating.reminder", now + RATING_REMINDER_DELAY, entry.id
            )
        )
        outcome = self._tell(
            sandbox,
            "booking.completed",
            booking,
            "Bilen er ferdig",
            f"{booking.workshop.name} er ferdig med {booking.plate}. "
            f"Totalt {kroner(entry.total_price_nok)} kr.",
        )
        return EventOutcome(outcome.event, booking, entry, outcome.dispatches)

    def send_message(
        self, sandbox: Sandbox, service_log_id: int, body: str, author_name: str | None = None
    ) -> EventOutcome:
        entry = owner_state(sandbox).service_log.get(service_log_id)
        if entry is None:
            raise DomainError(
                "SERVICE_LOG_NOT_FOUND", f"The sandbox has no service log entry {service_log_id}.", field="id"
            )
        now = sandbox.clock.now()
        message = Message(
            id=uuid4(),
            sender="workshop",
            author_name=author_name or entry.workshop.name,
            body=body,
            sent_at=now,
        )
        entry.messages.append(message)
        owner_state(sandbox).service_log.mark_changed(entry.id)
        publish(sandbox, LiveEvent("message", "message.new", "INSERT", (entry, message)))
        dispatch = notify(
            sandbox,
            "message.new",
            f"Ny melding fra {entry.workshop.name}",
            body,
            now,
            Reference(entry.plate, entry.booking_id, entry.id),
        )
        return EventOutcome("message.new", None, entry, (dispatch, *deliver_due(sandbox)))

    # --- helpers ----------------------------------------------------------------------------

    def _tell(self, sandbox: Sandbox, event: str, booking: Booking, title: str, body: str) -> EventOutcome:
        earlier = deliver_due(sandbox)
        if event != "booking.requested":  # a new booking was published as the row it inserts
            publish(sandbox, LiveEvent("booking", event, "UPDATE", booking))
        dispatch = notify(
            sandbox,
            event,
            title,
            body,
            booking.updated_at,
            Reference(booking.plate, booking.id, booking.service_log_id),
        )
        return EventOutcome(event, booking, None, (*earlier, dispatch))

    def _booking(
        self, sandbox: Sandbox, booking_id: UUID, *, allowed: tuple[str, ...], event: str
    ) -> Booking:
        booking = owner_state(sandbox).bookings.get(booking_id)
        if booking is None:
            raise DomainError(
                "BOOKING_NOT_FOUND", f"The sandbox has no booking {booking_id}.", field="booking_id"
            )
        if booking.status not in allowed:
            raise DomainError(
                "BOOKING_STATE_CONFLICT",
                f"Booking {booking_id} is {booking.status}; {event} needs it to be {' or '.join(allowed)}.",
            )
        return booking

    @staticmethod
    def _fuel_type(sandbox: Sandbox, plate: str) -> str | None:
        vehicle = owner_state(sandbox).vehicles.get(plate)
        return vehicle.registry.fuel_type if vehicle is not None else None

    def _workshop(self, sandbox: Sandbox, plate: str, org_nr: str | None) -> Workshop:
        if org_nr is not None:
            known = next(
                (e.workshop for e in owner_state(sandbox).service_log if e.workshop.org_nr == org_nr), None
            )
            found = known or self._catalogue.workshop(org_nr)
            if found is None:
                raise DomainError(
                    "WORKSHOP_NOT_FOUND",
                    f"No workshop with org nr {org_nr} is known.",
                    field="body.workshop_org_nr",
                )
            return found
        history = owner_state(sandbox).service_log.select(LogFilter(plate=plate))
        fallback = history[0].workshop if history else self._catalogue.default_workshop()
        if fallback is None:
            raise DomainError(
                "WORKSHOP_NOT_FOUND",
                "This car has no workshop yet; give workshop_org_nr.",
                field="body.workshop_org_nr",
            )
        return fallback

    def _last_reading(self, sandbox: Sandbox, plate: str) -> tuple[int, date]:
        """The car's newest odometer reading (own log or earlier owners), or an estimate from its age."""
        record = owner_state(sandbox).vehicles[plate]
        readings = [
            (e.service_date, e.mileage_km)
            for e in owner_state(sandbox).service_log.select(LogFilter(plate=plate))
        ]
        readings += [
            (h.service_date, h.mileage_km) for h in record.earlier_owner_history if h.mileage_km is not None
        ]
        if readings:
            day, km = max(readings, key=lambda reading: (reading[1], reading[0]))
            return km, day
        first = record.registry.first_registration_date or sandbox.clock.today()
        age_days = (sandbox.clock.today() - first).days
        return round(KM_PER_YEAR * age_days / 365), sandbox.clock.today()
