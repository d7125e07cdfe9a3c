"""Live events on a store several mocks share: a socket joined on one mock gets what a request on
another caused, once, with the payload a socket on the causing mock gets; nobody else's socket gets
it. Both ways NOTIFY carries an event — in its payload, or by a row it names — are exercised."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from mock_server.packs.carowner.state import owner_state
from mock_server.realtime import bus
from mock_server.realtime.frames import JSON_ENCODING, encode_user_broadcast_push
from mock_server.realtime.rows import TABLES
from tests.integration.conftest import KARI, OLA, Mock, start_mock
from tests.integration.realtime.test_realtime_socket import KEY, SOCKET, Socket
from tests.postgres_support import two_mocks_on_one_database

BOOKINGS = {"postgres_changes": [{"event": "*", "schema": "public", "table": "bookings"}]}


class Timed:
    """A test client's websocket whose receive gives up after a while (a missing event fails the
    test instead of hanging it)."""

    def __init__(self, ws: Any, seconds: float = 10.0) -> None:
        self.ws, self.seconds = ws, seconds

    def send_text(self, text: str) -> None:
        self.ws.send_text(text)

    def receive(self) -> Any:
        async def within() -> Any:
            with anyio.fail_after(self.seconds):
                return await self.ws._send_rx.receive()

        return self.ws.portal.call(within)


@pytest.fixture(params=["in the notification", "by reference"])
def replicas(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Mock, Mock]]:
    if request.param == "by reference":
        monkeypatch.setattr(bus, "NOTIFY_LIMIT", 0)  # every event goes through minbil_realtime_events
    with two_mocks_on_one_database(start_mock) as mocks:
        yield mocks


def channel(mock: Mock, token: str) -> str:
    return f"user:{mock.sandbox(token).user_id}:bookings"


def workshop_event(mock: Mock, plate: str) -> str:
    answer = mock.post(
        "/__mock/sandbox/workshop-events",
        KARI,
        json={"type": "booking.requested", "registration_number": plate},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["booking"]["id"]


def next_events(socket: Socket, count: int) -> list[tuple[str, str, dict[str, Any]]]:
    """The next `count` broadcasts and row changes: (kind, booking id, payload)."""
    got: list[tuple[str, str, dict[str, Any]]] = []
    while len(got) < count:
        message = socket.receive()
        if message.get("event") == "broadcast":
            body = message["payload"]
            got.append(("broadcast", body["payload"]["id"], body))
        elif message.get("event") == "postgres_changes":
            data = message["payload"]["data"]
            got.append(("postgres_changes", data["record"]["id"], data))
    return got


def test_an_event_caused_on_either_mock_reaches_the_owners_sockets_on_both_once(
    replicas: tuple[Mock, Mock],
) -> None:
    one, other = replicas
    plate = next(iter(owner_state(one.sandbox(KARI)).links))
    with (
        one.client.websocket_connect(SOCKET + "1.0.0") as here_ws,
        other.client.websocket_connect(SOCKET + "1.0.0") as there_ws,
        other.client.websocket_connect(SOCKET + "2.0.0") as ola_ws,
    ):
        here, there = Socket(Timed(here_ws), "1.0.0"), Socket(Timed(there_ws), "1.0.0")
        ola = Socket(Timed(ola_ws), "2.0.0")
        here.join(channel(one, KARI), KARI, BOOKINGS)
        there.join(channel(other, KARI), KARI, BOOKINGS)
        ola.join(channel(other, OLA), OLA, BOOKINGS)

        # Two events through the first mock's control API: its own socket has them at once, the
        # other mock's socket the same, in order.
        first, second = workshop_event(one, plate), workshop_event(one, plate)
        on_here, on_there = next_events(here, 4), next_events(there, 4)
        expected = [("broadcast", first), ("postgres_changes", first)]
        expected += [("broadcast", second), ("postgres_changes", second)]
        assert [(kind, id_) for kind, id_, _ in on_there] == expected
        assert [payload for _, _, payload in on_there] == [payload for _, _, payload in on_here]
        broadcast = on_there[0][2]
        assert (broadcast["type"], broadcast["event"]) == ("broadcast", "booking.requested")
        assert broadcast["payload"]["registration_number"] == plate
        assert broadcast["payload"]["status"] == "requested"
        change = on_there[1][2]
        assert (change["table"], change["type"]) == ("bookings", "INSERT")
        assert [column["name"] for column in change["columns"]] == [name for name, _ in TABLES["bookings"]]

        # One on the second mock: what comes next on either socket is that one, so neither mock
        # delivered an event twice (an echo of its own would have come first).
        third = workshop_event(other, plate)
        assert [(k, i) for k, i, _ in next_events(there, 2)] == [
            ("broadcast", third),
            ("postgres_changes", third),
        ]
        assert [(k, i) for k, i, _ in next_events(here, 2)] == [
            ("broadcast", third),
            ("postgres_changes", third),
        ]
        fourth = workshop_event(one, plate)
        assert [i for _, i, _ in next_events(here, 2)] == [fourth, fourth]
        assert [i for _, i, _ in next_events(there, 2)] == [fourth, fourth]

        # Ola's socket on the second mock heard none of Kari's events before his heartbeat's reply
        # (they were all fanned out there before the last one reached Kari's socket).
        ola.send("phoenix", "heartbeat", {})
        heard = []
        while (message := ola.receive())["topic"] != "phoenix":
            heard.append(message["event"])
        assert heard == ["system"]  # the join's "subscribed" word, nothing else


def test_what_clients_broadcast_reaches_the_rooms_members_on_the_other_mock(
    replicas: tuple[Mock, Mock],
) -> None:
    one, other = replicas
    name = f"user:{one.sandbox(KARI).user_id}:messages"
    with (
        one.client.websocket_connect(SOCKET + "2.0.0") as sender_ws,
        other.client.websocket_connect(SOCKET + "2.0.0") as there_ws,
        other.client.websocket_connect(SOCKET + "2.0.0") as ola_ws,
    ):
        sender, there = Socket(Timed(sender_ws), "2.0.0"), Socket(Timed(there_ws), "2.0.0")
        ola = Socket(Timed(ola_ws), "2.0.0")
        sender.join(name, KARI)
        there.join(name, KARI)
        ola.join(f"user:{other.sandbox(OLA).user_id}:messages", OLA)

        typing = {"type": "broadcast", "event": "typing", "payload": {"text": "Blå bil, æøå"}}
        sender.send(f"realtime:{name}", "broadcast", typing)
        assert there.until("broadcast")["payload"] == typing

        push = encode_user_broadcast_push("1", "9", f"realtime:{name}", "cursor", b'{"x":3}', JSON_ENCODING)
        sender_ws.send_bytes(push)
        assert there.until("broadcast")["payload"] == {
            "type": "broadcast",
            "event": "cursor",
            "payload": {"x": 3},
        }

        auth = {"apikey": KEY, "Authorization": f"Bearer {KARI}"}
        sent = one.client.post(
            "/realtime/v1/api/broadcast",
            headers=auth,
            json={"messages": [{"topic": name, "event": "hello", "payload": {"n": 1}, "private": True}]},
        )
        assert sent.status_code == 202
        assert there.until("broadcast")["payload"]["event"] == "hello"

        # The sender (no `self`) did not get its own socket's broadcasts back, only the REST one,
        # and another user's socket got none: the heartbeat's reply ends what each has had.
        def broadcasts_before_heartbeat(socket: Socket) -> list[str]:
            socket.send("phoenix", "heartbeat", {})
            heard = []
            while (message := socket.receive())["topic"] != "phoenix":
                if message.get("event") == "broadcast":
                    heard.append(message["payload"]["event"])
            return heard

        assert broadcasts_before_heartbeat(sender) == ["hello"]
        assert broadcasts_before_heartbeat(ola) == []


def test_presence_tracked_on_one_mock_is_seen_and_told_on_the_other(replicas: tuple[Mock, Mock]) -> None:
    one, other = replicas
    name = f"user:{one.sandbox(KARI).user_id}:messages"
    topic = f"realtime:{name}"

    def joined(ws: Any, key: str) -> tuple[Socket, dict[str, Any]]:
        socket = Socket(Timed(ws), "2.0.0")
        socket.join(name, KARI, {"presence": {"key": key, "enabled": True}})
        return socket, socket.until("presence_state")["payload"]

    with (
        one.client.websocket_connect(SOCKET + "2.0.0") as phone_ws,
        other.client.websocket_connect(SOCKET + "2.0.0") as laptop_ws,
    ):
        phone, _ = joined(phone_ws, "phone")
        laptop, state = joined(laptop_ws, "laptop")
        assert state == {}
        phone.send(
            topic, "presence", {"type": "presence", "event": "track", "payload": {"screen": "garasje"}}
        )
        diff = laptop.until("presence_diff")["payload"]
        assert diff["leaves"] == {} and diff["joins"]["phone"]["metas"][0]["screen"] == "garasje"

        with other.client.websocket_connect(SOCKET + "2.0.0") as tablet_ws:
            _, state = joined(tablet_ws, "tablet")
            assert list(state) == ["phone"] and state["phone"]["metas"][0]["screen"] == "garasje"

        phone.send(topic, "presence", {"type": "presence", "event": "untrack"})
        diff = laptop.until("presence_diff")["payload"]
        assert diff["joins"] == {} and list(diff["leaves"]) == ["phone"]
        with other.client.websocket_connect(SOCKET + "2.0.0") as tablet_ws:
            _, state = joined(tablet_ws, "tablet")
            assert state == {}
