"""The notification-preferences state machine: partial merge, and rejected updates change nothing.

The only way to read preferences is an update, so the read is an empty update `{}` (documented to
change nothing and return the full map).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ..client import ApiClient, ApiResponse
from ..failures import RuleViolation, expect
from .recording import Call, recorded, with_history

SETTINGS = "/api/co/settings/notifications"
EVENTS = (
    "booking.requested",
    "booking.accepted",
    "booking.declined",
    "booking.updated",
    "booking.completed",
    "message.new",
    "rating.reminder",
)
CHANNELS = ("email", "push")
Preferences = dict[str, dict[str, bool]]

PATCHES = st.dictionaries(
    st.sampled_from(EVENTS), st.dictionaries(st.sampled_from(CHANNELS), st.booleans(), min_size=1), min_size=1
)
POISONS = st.sampled_from(("unknown-event", "unknown-channel", "not-a-boolean"))
PAIRS = st.lists(
    st.tuples(st.sampled_from(EVENTS), st.sampled_from(CHANNELS)), min_size=1, max_size=4, unique=True
)


def merged(current: Preferences, patch: dict[str, dict[str, Any]]) -> Preferences:
    result = {event: dict(channels) for event, channels in current.items()}
    for event, channels in patch.items():
        result[event].update(channels)
    return result


def poisoned(current: Preferences, pairs: list[tuple[str, str]], poison: str) -> dict[str, dict[str, Any]]:
    """Valid flips of current values plus one invalid part: any partial write would show."""
    patch: dict[str, dict[str, Any]] = {}
    for event, channel in pairs:
        patch.setdefault(event, {})[channel] = not current[event][channel]
    first_event = pairs[0][0]
    if poison == "unknown-event":
        patch["booking.cancelled"] = {"email": True}
    elif poison == "unknown-channel":
        patch[first_event]["sms"] = True
    else:
        patch[first_event][pairs[0][1]] = "yes"
    return patch


def read_preferences(api: ApiClient, rule_id: str) -> tuple[Preferences, ApiResponse]:
    response = api.put(SETTINGS, json_body={})
    expect(response.status == 200, rule_id, f"the empty update answered {response.status}", response.exchange)
    return complete_map(response, rule_id), response


def complete_map(response: ApiResponse, rule_id: str) -> Preferences:
    body = response.json()
    preferences = body.get("preferences") if isinstance(body, dict) else None
    complete = isinstance(preferences, dict) and all(
        isinstance(preferences.get(event), dict)
        and all(isinstance(preferences[event].get(channel), bool) for channel in CHANNELS)
        for event in EVENTS
    )
    if not complete:
        raise RuleViolation(
            rule_id, f"expected the full map (7 events x email, push), got {preferences}", [response.exchange]
        )
    return {event: {channel: preferences[event][channel] for channel in CHANNELS} for event in EVENTS}


def differences(actual: Preferences, expected: Preferences) -> str:
    changed = [
        f"{event}.{channel}={actual[event][channel]} (expected {expected[event][channel]})"
        for event in EVENTS
        for channel in CHANNELS
        if actual[event][channel] != expected[event][channel]
    ]
    return ", ".join(changed)


def preferences_machine(api_factory: Callable[[], ApiClient]) -> type[RuleBasedStateMachine]:
    class NotificationPreferences(RuleBasedStateMachine):
        HISTORY_NOTE = "Starting from the user's current preferences:"
        INITIALIZE = "read_current"
        INVARIANT = "server_agrees_with_model"

        def __init__(self) -> None:
            super().__init__()
            self.api = api_factory()
            self.model: Preferences = {}
            self.calls: list[Call] = []

        @initialize()
        def read_current(self) -> None:
            self.model, _ = read_preferences(self.api, "semantics.preferences-merge")
            self.api.journal.clear()

        @rule(patch=PATCHES)
        @recorded
        def update(self, patch: dict[str, dict[str, bool]]) -> None:
            response = self.api.put(SETTINGS, json_body=patch)
            expect(
                response.status == 200,
                "semantics.preferences-merge",
                f"a valid update answered {response.status}",
                response.exchange,
            )
            expected = merged(self.model, patch)
            actual = complete_map(response, "semantics.preferences-merge")
            expect(
                actual == expected,
                "semantics.preferences-merge",
                f"after {patch}: {differences(actual, expected)}",
                response.exchange,
            )
            self.model = expected

        @rule(pairs=PAIRS, poison=POISONS)
        @recorded
        def rejected_update(self, pairs: list[tuple[str, str]], poison: str) -> None:
            patch = poisoned(self.model, pairs, poison)
            response = self.api.put(SETTINGS, json_body=patch)
            expect(
                response.status == 400,
                "semantics.preferences-reject-unknown",
                f"an update with {poison.replace('-', ' ')} answered {response.status}, not 400",
                response.exchange,
            )
            actual, read = read_preferences(self.api, "semantics.preferences-atomic")
            expect(
                actual == self.model,
                "semantics.preferences-atomic",
                f"the rejected update {patch} changed {differences(actual, self.model)}",
                read.exchange,
            )

        @invariant()
        @with_history
        def server_agrees_with_model(self) -> None:
            actual, read = read_preferences(self.api, "semantics.preferences-merge")
            expect(
                actual == self.model,
                "semantics.preferences-merge",
                f"stored preferences differ: {differences(actual, self.model)}",
                read.exchange,
            )

    return NotificationPreferences
