"""Time on a sandbox's clock: moving it forward, and the notices that fall due as it passes.

Two kinds of notice fall due with time: the rating reminder a completed booking schedules, and the
EU-kontroll notices of each linked car — a reminder 30 days before its kontrollfrist and an overdue
notice the day after it. EU-kontroll notices are sent for moments the clock passes while the sandbox
exists (the window since the last check), so a car whose deadline passed years ago stays quiet.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ....domain.errors import DomainError
from ....store.sandbox import Sandbox
from ..state import held_state, owner_state
from .outbox import Dispatch, Reference, norwegian_date, notify

RATING_REMINDER_DELAY = timedelta(days=1)
EU_CONTROL_REMINDER_AHEAD = timedelta(days=30)
_OSLO = ZoneInfo("Europe/Oslo")


def advance(sandbox: Sandbox, delta: timedelta) -> list[Dispatch]:
    """Move the clock forward by `delta` and send what fell due on the way."""
    if delta < timedelta(0):
        raise DomainError("CLOCK_CANNOT_GO_BACK", "The sandbox clock only moves forward.", field="body")
    deliver_due(sandbox)  # notices due before the jump are dated before it
    sandbox.clock.advance(delta)
    return deliver_due(sandbox)


def deliver_due(sandbox: Sandbox) -> list[Dispatch]:
    """Send every notice due by now, oldest first. Safe to call at any time: nothing is sent twice."""
    now = sandbox.clock.now()
    extras = owner_state(sandbox)
    since, extras.checked_until = extras.checked_until, now
    due: list[tuple[datetime, str, Reference, tuple[str, str]]] = []
    for pending in [p for p in extras.pending if p.due_at <= now]:
        extras.pending.remove(pending)
        entry = extras.service_log.get(pending.service_log_id)
        if entry is None or entry.rating is not None:
            continue  # rated (or gone) in the meantime: nothing to remind of
        text = (
            "Hvordan var besøket?",
            f"Gi {entry.workshop.name} en vurdering av besøket {norwegian_date(entry.service_date)} "
            f"med {entry.plate}.",
        )
        due.append((pending.due_at, pending.event, Reference(entry.plate, entry.booking_id, entry.id), text))
    if since is not None:
        due += _eu_control_notices(sandbox, since, now)
    due.sort(key=lambda item: item[0])
    return [notify(sandbox, event, title, body, at, about) for at, event, about, (title, body) in due]


def time_passed(sandbox: Sandbox) -> list[Dispatch]:
    """`deliver_due` for a sandbox that has a CarOwner part (one without it has nothing due)."""
    return deliver_due(sandbox) if held_state(sandbox) is not None else []


def start_of_day(day: date) -> datetime:
    """Midnight in Norway at the start of `day`."""
    return datetime.combine(day, time(0), tzinfo=_OSLO)


def _eu_control_notices(
    sandbox: Sandbox, since: datetime, now: datetime
) -> list[tuple[datetime, str, Reference, tuple[str, str]]]:
    notices = []
    owner = owner_state(sandbox)
    for plate in owner.links:
        deadline = owner.vehicles[plate].registry.eu_control_due
        if deadline is None:
            continue
        remind_at = start_of_day(deadline) - EU_CONTROL_REMINDER_AHEAD
        overdue_at = start_of_day(deadline + timedelta(days=1))
        when = norwegian_date(deadline)
        if since < remind_at <= now:
            text = (
                "EU-kontroll snart",
                f"Fristen for EU-kontroll av {plate} er {when}. Bestill time i god tid.",
            )
            notices.append((remind_at, "eu_control.reminder", Reference(plate), text))
        if since < overdue_at <= now:
            text = (
                "Fristen for EU-kontroll er passert",
                f"{plate} skulle vært godkjent på EU-kontroll innen {when}.",
            )
            notices.append((overdue_at, "eu_control.overdue", Reference(plate), text))
    return notices
