"""What the bus sends another process: any event comes back whole, and no two events of one
transaction are alike (PostgreSQL delivers identical notifications of a transaction once)."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from mock_server.realtime.bus import decode, encode
from mock_server.realtime.rows import CHANNEL_NAMES, TABLES, Broadcast, Described, RowChange

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)
rows = st.dictionaries(st.text(), json_values, max_size=5)
broadcasts = st.builds(Broadcast, st.sampled_from(CHANNEL_NAMES), st.text(min_size=1), rows)
changes = st.builds(
    RowChange,
    st.sampled_from(sorted(TABLES)),
    st.sampled_from(["INSERT", "UPDATE", "DELETE"]),
    rows,
    rows,
    st.text(),
)
events = st.builds(Described, st.none() | broadcasts, changes)


@given(events, st.text(min_size=1), st.uuids(), st.integers(0, 2**40))
def test_an_encoded_event_decodes_to_the_same_event_of_the_same_sandbox(
    event: Described, token: str, user_id: uuid.UUID, number: int
) -> None:
    origin, got_token, got_user, got = decode(encode("origin-a", number, token, user_id, event))
    assert (origin, got_token, got_user, got) == ("origin-a", token, str(user_id), event)


@given(events)
def test_the_same_event_sent_twice_is_two_notifications(event: Described) -> None:
    assert encode("o", 1, "t", "u", event) != encode("o", 2, "t", "u", event)
