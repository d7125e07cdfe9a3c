"""Notification preferences: a partial merge that is all-or-nothing."""

from __future__ import annotations

from collections.abc import Mapping

from ....domain.errors import DomainError
from ....domain.live import LiveEvent, publish
from ....store.sandbox import Sandbox
from ..state import owner_state
from .models import NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS


def update_preferences(
    sandbox: Sandbox, patch: Mapping[str, Mapping[str, bool]]
) -> dict[str, dict[str, bool]]:
    """Apply only the given event/channel pairs. Any unknown key rejects the whole update."""
    for event, channels in patch.items():
        if event not in NOTIFICATION_EVENTS:
            raise DomainError("VALIDATION_FAILED", f"Unknown notification event '{event}'.", field=event)
        for channel, enabled in channels.items():
            if channel not in NOTIFICATION_CHANNELS or not isinstance(enabled, bool):
                raise DomainError(
                    "VALIDATION_FAILED",
                    f"Unknown channel or non-boolean value at '{event}.{channel}'.",
                    field=f"{event}.{channel}",
                )
    for event, channels in patch.items():
        owner_state(sandbox).preferences[event].update(channels)
    current = {event: dict(owner_state(sandbox).preferences[event]) for event in NOTIFICATION_EVENTS}
    publish(sandbox, LiveEvent("preferences", "preferences.changed", "UPDATE", current))
    return current
