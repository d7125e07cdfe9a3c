"""The notification outbox: what would have gone out, on which channel, under the owner's preferences.

The mock sends nothing. Each event is checked against the owner's notification preferences and one
record per enabled channel goes to the sandbox's outbox, so a client can see what its user would have
received; each record is also a live event (domain/live.py), so the app sees it arrive. Events
outside the seven preference events (EU-kontroll notices) have no setting in the API and go out on
both channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID, uuid5

from ....domain.live import LiveEvent, publish
from ....store.sandbox import Sandbox
from ..state import owner_state
from .models import NOTIFICATION_CHANNELS, Channel, Notification

MAX_OUTBOX = 1000  # oldest records go first; a sandbox left running for weeks stays small

_MONTHS = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip


@dataclass(frozen=True)
class Dispatch:
    """What one event caused: the records written and the channels the owner has switched off."""

    event: str
    sent: tuple[Notification, ...]
    suppressed: tuple[Channel, ...]


@dataclass(frozen=True)
class Reference:
    """What a notification is about."""

    plate: str | None = None
    booking_id: UUID | None = None
    service_log_id: int | None = None


def norwegian_date(day: date) -> str:
    """ "1. mars 2026", as Norwegian text writes a date."""
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def kroner(amount: int) -> str:
    """ "12 490": Norwegian thousands grouping with a space, as the seeded messages write prices."""
    return f"{amount:,}".replace(",", " ")


def recipient(sandbox: Sandbox, channel: Channel) -> str:
    if channel == "email":
        return sandbox.email
    return f"user:{sandbox.user_id}:notifications"  # the realtime channel the app listens on


def notify(
    sandbox: Sandbox,
    event: str,
    title: str,
    body: str,
    at: datetime,
    about: Reference | None = None,
) -> Dispatch:
    """Record `event` on every channel the owner wants it on."""
    about = about or Reference()
    owner = owner_state(sandbox)
    wanted = owner.preferences.get(event)
    channels: tuple[Channel, ...] = NOTIFICATION_CHANNELS  # type: ignore[assignment]
    enabled = tuple(c for c in channels if wanted is None or wanted.get(c, False))
    suppressed = tuple(c for c in channels if c not in enabled)
    sent = tuple(
        Notification(
            id=uuid5(sandbox.user_id, f"notification-{owner.next_number()}"),
            event=event,
            channel=channel,
            recipient=recipient(sandbox, channel),
            at=at,
            title=title,
            body=body,
            registration_number=about.plate,
            booking_id=about.booking_id,
            service_log_id=about.service_log_id,
        )
        for channel in enabled
    )
    outbox = owner.outbox
    outbox.extend(sent)
    del outbox[: max(0, len(outbox) - MAX_OUTBOX)]
    publish(sandbox, *(LiveEvent("notification", record.event, "INSERT", record) for record in sent))
    return Dispatch(event, sent, suppressed)
