"""Control handlers for the Workshop and Faults tags: thin adapters by operationId."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from ..domain.control_models import FaultRuleRecord, RegistryFaults
from ..domain.errors import DomainError
from ..domain.models import ServiceItem
from ..injection import FaultInjector, RuleError
from ..journal import RequestJournal
from ..packs.carowner.domain import timeline
from ..packs.carowner.domain.workshop import EventOutcome, WorkshopSide
from ..packs.carowner.handlers.common import plate_from
from ..packs.carowner.state import owner_state
from ..packs.registry.state import faults_of, set_faults
from ..resolution import sandbox_of
from ..store.sandbox import Sandbox, SandboxRegistry
from . import representations as rep

MAX_RULES = 50


class WorldHandlers:
    def __init__(
        self,
        sandboxes: SandboxRegistry,
        workshop: WorkshopSide,
        injector: FaultInjector,
        journal: RequestJournal,
    ) -> None:
        self._sandboxes = sandboxes
        self._workshop = workshop
        self._injector = injector
        self._journal = journal

    # --- workshop side ------------------------------------------------------------------------

    async def sendWorkshopEvent(self, user: str, body: dict[str, Any]):
        sandbox = sandbox_of(self._sandboxes, user)
        async with sandbox.lock:
            outcome = self._event(sandbox, body)
        return rep.ok(rep.event_result(outcome), 201)

    def _event(self, sandbox: Sandbox, body: dict[str, Any]) -> EventOutcome:
        kind = body["type"]
        day = _day(body.get("appointment_date"))
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

    async def listBookings(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        bookings = sorted(owner_state(sandbox).bookings.values(), key=lambda b: b.created_at, reverse=True)
        return rep.ok({"bookings": [rep.booking(b) for b in bookings]})

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
        return rep.ok({"notifications": [rep.notification(n) for n in chosen[-limit:]]})

    async def clearNotifications(self, user: str):
        owner_state(sandbox_of(self._sandboxes, user)).outbox.clear()
        return rep.no_content()

    # --- faults ---------------------------------------------------------------------------------

    async def listFaultRules(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        return rep.ok(
            {
                "rules": [rep.fault_rule(r) for r in sandbox.extras.fault_rules],
                "global_rules": [rule.text for rule in self._injector.global_rules],
            }
        )

    async def addFaultRule(self, user: str, body: dict[str, Any]):
        sandbox = sandbox_of(self._sandboxes, user)
        try:
            rule = self._injector.parse(body["rule"])
        except RuleError as error:
            raise DomainError("INVALID_FAULT_RULE", str(error), field="rule") from error
        if len(sandbox.extras.fault_rules) >= MAX_RULES:
            raise DomainError("INVALID_FAULT_RULE", f"A sandbox has at most {MAX_RULES} rules.", field="rule")
        record = FaultRuleRecord(
            id=f"rule-{sandbox.extras.next_number()}",
            rule=rule.text,
            seed=body.get("seed", self._injector.seed),
            created_at=sandbox.clock.now(),
        )
        sandbox.extras.fault_rules.append(record)
        return rep.ok(rep.fault_rule(record), 201)

    async def clearFaultRules(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        sandbox.extras.fault_rules.clear()
        self._injector.forget(sandbox.token)
        return rep.no_content()

    async def getRegistryFaults(self, user: str):
        return rep.ok(faults_of(sandbox_of(self._sandboxes, user)).to_dict())

    async def setRegistryFaults(self, user: str, body: dict[str, Any]):
        sandbox = sandbox_of(self._sandboxes, user)
        try:
            faults = RegistryFaults.from_dict(body)
        except ValueError as error:
            raise DomainError("VALIDATION_FAILED", str(error), field="body") from error
        set_faults(sandbox, faults)
        return rep.ok(faults.to_dict())

    async def getJournal(self, user: str, limit: int = 50):
        sandbox = sandbox_of(self._sandboxes, user)
        return rep.ok(
            {"entries": [rep.journal_entry(e) for e in await self._journal.gathered(sandbox.token, limit)]}
        )


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(
            "VALIDATION_FAILED",
            f"{value} is not a calendar date (YYYY-MM-DD).",
            field="body.appointment_date",
        ) from exc
