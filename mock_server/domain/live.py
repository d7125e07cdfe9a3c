"""Live events: what a change in a sandbox tells the owner's other devices, as it happens.

The domain says what happened (a booking moved on, a notification went out, a car was linked) and
hands it to the sandbox's live sink; mock_server/realtime turns it into Realtime broadcasts and
`postgres_changes` rows for the sockets joined to that sandbox's channels. Nothing here knows a
socket or a JSON shape. A sandbox nobody listens to has a sink that does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..store.sandbox import Sandbox

Kind = Literal["notification", "booking", "service_log", "message", "vehicle", "preferences"]
Change = Literal["INSERT", "UPDATE", "DELETE"]


@dataclass(frozen=True)
class LiveEvent:
    """One change: its kind, the event name the app sees, the row change it is, and the subject
    (a Notification, Booking, ServiceLogEntry, (ServiceLogEntry, Message), VehicleLink, or the
    preferences mapping). `old` is the subject before an update or delete, where it matters;
    `related`, what else its row shows (a VehicleLink's VehicleRecord: the car's make and model)."""

    kind: Kind
    event: str
    change: Change
    subject: Any
    old: Any = None
    related: Any = None


def no_listener(sandbox: Sandbox, event: LiveEvent) -> None:
    """The sink of a sandbox no Realtime hub serves."""


def publish(sandbox: Sandbox, *events: LiveEvent) -> None:
    for event in events:
        sandbox.live(sandbox, event)
