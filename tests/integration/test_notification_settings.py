"""Notification preferences: a partial merge; any unknown event or channel changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.packs.carowner.domain.models import NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS

from .conftest import Mock

URL = "/api/co/settings/notifications"

patches = st.dictionaries(
    st.sampled_from(NOTIFICATION_EVENTS),
    st.dictionaries(st.sampled_from(NOTIFICATION_CHANNELS), st.booleans()),
    max_size=4,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(patches, min_size=1, max_size=5))
def test_updates_merge_only_the_given_event_channel_pairs(shared_mock: Mock, steps) -> None:
    token = shared_mock.new_sandbox()
    model = {event: dict.fromkeys(NOTIFICATION_CHANNELS, True) for event in NOTIFICATION_EVENTS}
    for patch in steps:
        answer = shared_mock.put(URL, token, json=patch)
        for event, channels in patch.items():
            model[event].update(channels)
        assert answer.status_code == 200
        assert answer.json() == {"preferences": model}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    valid=patches,
    bad=st.sampled_from(
        [
            {"booking.cancelled": {"email": False}},
            {"message.new": {"sms": True}},
            {"message.new": {"push": "yes"}},
            {"rating.reminder": []},
        ]
    ),
)
def test_a_rejected_update_changes_nothing_at_all(shared_mock: Mock, valid, bad) -> None:
    token = shared_mock.new_sandbox()
    before = shared_mock.put(URL, token, json={}).json()
    answer = shared_mock.put(URL, token, json={**valid, **bad})
    assert (answer.status_code, answer.json()["code"]) == (400, "VALIDATION_FAILED")
    assert shared_mock.put(URL, token, json={}).json() == before


def test_an_empty_update_returns_every_event_with_both_channels(mock: Mock) -> None:
    body = mock.put(URL, json={}).json()
    assert list(body["preferences"]) == list(NOTIFICATION_EVENTS)
    assert all(set(channels) == {"email", "push"} for channels in body["preferences"].values())
