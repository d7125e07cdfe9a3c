"""The hub: a sandbox's events reach the channels joined in its scope, by name, and nothing else."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.domain.live import LiveEvent
from mock_server.packs.carowner.domain.models import Booking, Workshop
from mock_server.realtime.endpoint import may_join
from mock_server.realtime.filters import parse_binding
from mock_server.realtime.hub import Channel, RealtimeHub, Session
from mock_server.store.sandbox import Sandbox, SandboxRegistry

NAMES = ("notifications", "bookings", "messages")


def _sandbox(number: int) -> Sandbox:
    return Sandbox(
        token=f"t{number}", user_id=uuid.UUID(int=number + 1), display_name="X", email="x@example.no"
    )


def _booking(sandbox: Sandbox) -> Booking:
    now = sandbox.clock.now()
    return Booking(
        uuid.uuid4(),
        "AB12345",
        Workshop("923609016", "Verksted", "Oslo"),
        "requested",
        date(2026, 3, 2),
        "Service",
        now,
        now,
    )


def _drain(session: Session) -> list:
    out = []
    while not session.queue.empty():
        item = session.queue.get_nowait()
        if item is not None:
            out.append(item.frame)
    return out


@settings(max_examples=60, deadline=None)
@given(
    joins=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.sampled_from(NAMES)), max_size=12),
    source=st.integers(0, 3),
)
def test_a_booking_reaches_exactly_the_bookings_channels_of_its_own_sandbox(joins, source) -> None:
    hub = RealtimeHub()
    registry = SandboxRegistry(live=hub.publish)
    sandboxes = [registry.add(_sandbox(n)) for n in range(4)]
    channels = []
    for (
        scope_of,
        user_of,
        name,
    ) in joins:  # a scope may hold another user's channel name: it is still its own room
        session = Session("2.0.0")
        topic_name = f"user:{sandboxes[user_of].user_id}:{name}"
        channel = Channel(session, f"realtime:{topic_name}", topic_name, sandboxes[scope_of].token, "1")
        hub.join(channel)
        channels.append((channel, scope_of, user_of, name))
    sandbox = sandboxes[source]
    sandbox.live(sandbox, LiveEvent("booking", "booking.requested", "INSERT", _booking(sandbox)))
    for channel, scope_of, user_of, name in channels:
        frames = [f for f in _drain(channel.session) if f.event == "broadcast"]
        wanted = scope_of == source and user_of == source and name == "bookings"
        assert len(frames) == (1 if wanted else 0), (scope_of, user_of, name)


def test_row_changes_go_to_the_matching_bindings_of_the_scope_with_their_ids() -> None:
    hub = RealtimeHub()
    registry = SandboxRegistry(live=hub.publish)
    sandbox = registry.add(_sandbox(0))
    session = Session("1.0.0")
    name = f"user:{sandbox.user_id}:bookings"
    channel = Channel(
        session,
        f"realtime:{name}",
        name,
        sandbox.token,
        "1",
        bindings=(
            parse_binding({"event": "INSERT", "schema": "public", "table": "bookings"}, 11),
            parse_binding({"event": "UPDATE", "schema": "public", "table": "bookings"}, 12),
            parse_binding(
                {
                    "event": "*",
                    "schema": "public",
                    "table": "bookings",
                    "filter": f"user_id=eq.{sandbox.user_id}",
                },
                13,
            ),
            parse_binding(
                {"event": "*", "schema": "public", "table": "bookings", "filter": "user_id=eq.someone"}, 14
            ),
        ),
    )
    hub.join(channel)
    sandbox.live(sandbox, LiveEvent("booking", "booking.requested", "INSERT", _booking(sandbox)))
    changes = [f for f in _drain(session) if f.event == "postgres_changes"]
    assert len(changes) == 1
    assert changes[0].payload["ids"] == [11, 13]
    data = changes[0].payload["data"]
    assert (data["schema"], data["table"], data["type"]) == ("public", "bookings", "INSERT")
    assert data["record"]["user_id"] == str(sandbox.user_id) and data["old_record"] == {}


def test_a_sandbox_nobody_listens_to_costs_nothing_and_a_left_channel_hears_nothing() -> None:
    hub = RealtimeHub()
    sandbox = SandboxRegistry(live=hub.publish).add(_sandbox(0))
    sandbox.live(sandbox, LiveEvent("booking", "booking.requested", "INSERT", _booking(sandbox)))  # no error
    session = Session("2.0.0")
    name = f"user:{sandbox.user_id}:bookings"
    channel = Channel(session, f"realtime:{name}", name, sandbox.token, "1")
    hub.join(channel)
    hub.leave(channel)
    sandbox.live(sandbox, LiveEvent("booking", "booking.requested", "INSERT", _booking(sandbox)))
    assert _drain(session) == []


def test_a_publication_from_another_thread_is_handed_to_the_sockets_loop() -> None:
    async def scenario() -> list:
        hub = RealtimeHub()
        sandbox = SandboxRegistry(live=hub.publish).add(_sandbox(0))
        session = Session("2.0.0")
        session.bind()
        name = f"user:{sandbox.user_id}:bookings"
        hub.join(Channel(session, f"realtime:{name}", name, sandbox.token, "1"))
        event = LiveEvent("booking", "booking.requested", "INSERT", _booking(sandbox))
        thread = threading.Thread(target=sandbox.live, args=(sandbox, event))
        thread.start()
        thread.join()
        await asyncio.sleep(0.01)
        return _drain(session)

    assert [frame.event for frame in asyncio.run(scenario())] == ["broadcast"]


def test_presence_tells_the_room_of_joins_and_leaves() -> None:
    hub = RealtimeHub()
    one, two = Session("2.0.0"), Session("2.0.0")
    a = Channel(one, "realtime:room", "room", "t", "1", presence_enabled=True, presence_key="a")
    b = Channel(two, "realtime:room", "room", "t", "1", presence_enabled=True, presence_key="b")
    hub.join(a)
    hub.join(b)
    hub.track(a, {"online": True})
    assert hub.presence_state("t", "room") == {"a": {"metas": [{"online": True, "phx_ref": a.presence_ref}]}}
    hub.leave(a)
    diffs = [f.payload for f in _drain(two) if f.event == "presence_diff"]
    assert list(diffs[0]["joins"]) == ["a"] and list(diffs[-1]["leaves"]) == ["a"]


@given(
    owner=st.integers(0, 5),
    caller=st.integers(0, 5) | st.none(),
    name=st.sampled_from((*NAMES, "orders")),
    private=st.booleans(),
)
def test_only_the_owner_may_join_a_users_channel_and_private_rooms_need_it(
    owner, caller, name, private
) -> None:
    sandbox = _sandbox(caller) if caller is not None else None
    topic = f"user:{uuid.UUID(int=owner + 1)}:{name}"
    assert may_join(topic, private, sandbox) is (caller == owner and name in NAMES)
    assert may_join("lobby", private, sandbox) is (not private)


@pytest.mark.parametrize("key", ["", None])
def test_a_missing_key_is_named(key) -> None:
    from mock_server.realtime.endpoint import RealtimeAuth

    assert RealtimeAuth("anon", SandboxRegistry()).key_error(key) == "API key is missing"
