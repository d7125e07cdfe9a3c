"""The Realtime websocket in-process: joins and refusals, the replies supabase-js expects, the fan-out
of a sandbox's events to its own sockets only, heartbeats and the idle timeout, faults, the journal
and the REST broadcast endpoint."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient, WebSocketDenialResponse

from mock_server.packs.carowner.state import owner_state
from mock_server.realtime.frames import JSON_ENCODING, encode_user_broadcast_push
from mock_server.settings import RealtimeSettings, Settings
from tests.integration.conftest import KARI, OLA, Mock, start_mock

KEY = RealtimeSettings().anon_key
SOCKET = f"/realtime/v1/websocket?apikey={KEY}&vsn="


class Socket:
    """A test client's socket speaking one serializer."""

    def __init__(self, ws: Any, vsn: str) -> None:
        self.ws, self.vsn, self.ref = ws, vsn, 0

    def send(self, topic: str, event: str, payload: dict[str, Any], join_ref: str | None = None) -> str:
        self.ref += 1
        ref = str(self.ref)
        if self.vsn == "1.0.0":
            self.ws.send_text(
                json.dumps(
                    {"topic": topic, "event": event, "payload": payload, "ref": ref, "join_ref": join_ref}
                )
            )
        else:
            self.ws.send_text(json.dumps([join_ref, ref, topic, event, payload]))
        return ref

    def receive(self) -> dict[str, Any]:
        message = self.ws.receive()
        if message.get("bytes") is not None:
            return {"binary": message["bytes"]}
        value = json.loads(message["text"])
        if self.vsn == "1.0.0":
            return value
        join_ref, ref, topic, event, payload = value
        return {"join_ref": join_ref, "ref": ref, "topic": topic, "event": event, "payload": payload}

    def until(self, event: str) -> dict[str, Any]:
        for _ in range(20):
            message = self.receive()
            if message.get("event") == event:
                return message
        raise AssertionError(f"no {event} in 20 messages")

    def join(self, name: str, token: str | None, config: dict[str, Any] | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "config": {"private": True, "presence": {"enabled": False}, **(config or {})}
        }
        if token is not None:
            payload["access_token"] = token
        ref = self.send(f"realtime:{name}", "phx_join", payload, join_ref=str(self.ref + 1))
        reply = self.until("phx_reply")
        assert reply["ref"] == ref
        return reply["payload"]


@pytest.fixture
def mock() -> Iterator[Mock]:
    started = start_mock(Settings(realtime=RealtimeSettings(idle_timeout_s=0.5)))
    with started.client:
        yield started


def channel(mock: Mock, token: str, which: str) -> str:
    return f"user:{mock.sandbox(token).user_id}:{which}"


def plate(mock: Mock, token: str = KARI) -> str:
    return next(iter(owner_state(mock.sandbox(token)).links))


def connect(client: TestClient, vsn: str):
    return client.websocket_connect(SOCKET + vsn)


@pytest.mark.parametrize("vsn", ["1.0.0", "2.0.0"])
def test_a_join_replies_with_the_bindings_and_their_ids_then_the_system_message(mock: Mock, vsn: str) -> None:
    bindings = [
        {
            "event": "*",
            "schema": "public",
            "table": "bookings",
            "filter": f"user_id=eq.{mock.sandbox(KARI).user_id}",
        },
        {"event": "INSERT", "schema": "public", "table": "notifications"},
    ]
    with connect(mock.client, vsn) as ws:
        socket = Socket(ws, vsn)
        reply = socket.join(channel(mock, KARI, "bookings"), KARI, {"postgres_changes": bindings})
        assert reply["status"] == "ok"
        echoed = reply["response"]["postgres_changes"]
        assert [{k: v for k, v in b.items() if k != "id"} for b in echoed] == bindings
        assert all(isinstance(b["id"], int) for b in echoed) and echoed[0]["id"] != echoed[1]["id"]
        system = socket.until("system")["payload"]
        assert system == {
            "extension": "postgres_changes",
            "status": "ok",
            "message": "Subscribed to PostgreSQL",
            "channel": channel(mock, KARI, "bookings"),
        }
        socket.send("phoenix", "heartbeat", {})
        assert socket.until("phx_reply")["payload"] == {"status": "ok", "response": {}}


@pytest.mark.parametrize(
    ("token", "topic_owner", "reason"),
    [
        (OLA, KARI, "Unauthorized: You do not have permissions to read from this Channel topic: {name}"),
        ("no-such-token", KARI, "MalformedJWT: The token provided is not a valid JWT"),
        (None, KARI, "Unauthorized: You do not have permissions to read from this Channel topic: {name}"),
        (KEY, KARI, "Unauthorized: You do not have permissions to read from this Channel topic: {name}"),
    ],
)
def test_a_join_of_a_channel_not_the_callers_is_refused_as_the_real_server_does(
    mock: Mock, token: str | None, topic_owner: str, reason: str
) -> None:
    name = channel(mock, topic_owner, "notifications")
    with connect(mock.client, "2.0.0") as ws:
        reply = Socket(ws, "2.0.0").join(name, token)
    assert reply == {"status": "error", "response": {"reason": reason.format(name=name)}}


def test_a_private_room_outside_the_users_channels_is_refused_and_a_public_one_joined(mock: Mock) -> None:
    with connect(mock.client, "2.0.0") as ws:
        socket = Socket(ws, "2.0.0")
        assert socket.join("lobby", KARI)["status"] == "error"
        assert socket.join("lobby", KARI, {"private": False})["status"] == "ok"
        assert (
            socket.join("", KARI)["response"]["reason"] == "TopicNameRequired: You must provide a topic name"
        )


@pytest.mark.parametrize(
    ("query", "status", "error"),
    [
        ("vsn=2.0.0", 401, "API key is missing"),
        ("apikey=wrong&vsn=2.0.0", 401, "The token provided is not a valid JWT"),
        ("apikey=a.b.c&vsn=2.0.0", 401, "Failed to validate JWT signature"),
        (f"apikey={KEY}&vsn=3.0.0", 400, "Unsupported serializer version vsn=3.0.0: use 1.0.0 or 2.0.0"),
    ],
)
def test_a_bad_key_or_version_is_refused_before_the_upgrade(
    mock: Mock, query: str, status: int, error: str
) -> None:
    with (
        pytest.raises(WebSocketDenialResponse) as refused,
        mock.client.websocket_connect(f"/realtime/v1/websocket?{query}"),
    ):
        pass
    assert refused.value.status_code == status
    assert refused.value.json() == {"error": error}


def test_another_websocket_path_is_refused_and_http_is_untouched(mock: Mock) -> None:
    with pytest.raises(WebSocketDenialResponse) as refused, mock.client.websocket_connect("/api/co/vehicles"):
        pass
    assert refused.value.status_code == 404
    assert mock.get("/api/co/vehicles").status_code == 200


@pytest.mark.parametrize("vsn", ["1.0.0", "2.0.0"])
def test_a_sandboxs_events_reach_its_own_sockets_only(mock: Mock, vsn: str) -> None:
    with connect(mock.client, vsn) as kari_ws, connect(mock.client, vsn) as ola_ws:
        kari, ola = Socket(kari_ws, vsn), Socket(ola_ws, vsn)
        kari.join(channel(mock, KARI, "bookings"), KARI)
        # Ola joins his own channels, and a public room of the same name as one Kari could use.
        ola.join(
            channel(mock, OLA, "bookings"),
            OLA,
            {"postgres_changes": [{"event": "*", "schema": "public", "table": "bookings"}]},
        )
        answer = mock.post(
            "/__mock/sandbox/workshop-events",
            KARI,
            json={"type": "booking.requested", "registration_number": plate(mock)},
        )
        assert answer.status_code == 201
        got = kari.until("broadcast")["payload"]
        assert got["type"] == "broadcast" and got["event"] == "booking.requested"
        assert got["payload"]["id"] == answer.json()["booking"]["id"]
        ola.send("phoenix", "heartbeat", {})
        assert ola.until("phx_reply")["topic"] == "phoenix"  # nothing of Kari's came before it


def test_without_heartbeats_the_socket_is_closed_after_the_idle_timeout(mock: Mock) -> None:
    with connect(mock.client, "2.0.0") as ws:
        socket = Socket(ws, "2.0.0")
        socket.join(channel(mock, KARI, "bookings"), KARI)
        time.sleep(0.8)
        for _ in range(5):  # what was queued, then the close
            message = ws.receive()
            if message["type"] == "websocket.close":
                break
        assert message["type"] == "websocket.close"


def test_heartbeats_keep_the_socket_open_past_the_idle_timeout(mock: Mock) -> None:
    with connect(mock.client, "2.0.0") as ws:
        socket = Socket(ws, "2.0.0")
        socket.join(channel(mock, KARI, "bookings"), KARI)
        for _ in range(6):
            time.sleep(0.2)
            socket.send("phoenix", "heartbeat", {})
            assert socket.until("phx_reply")["payload"]["status"] == "ok"


def test_broadcast_self_and_ack_and_a_binary_push(mock: Mock) -> None:
    name = channel(mock, KARI, "messages")
    with connect(mock.client, "2.0.0") as one_ws, connect(mock.client, "1.0.0") as two_ws:
        one, two = Socket(one_ws, "2.0.0"), Socket(two_ws, "1.0.0")
        one.join(name, KARI, {"broadcast": {"self": True, "ack": True}})
        two.join(name, KARI)
        ref = one.send(
            f"realtime:{name}", "broadcast", {"type": "broadcast", "event": "typing", "payload": {"a": 1}}
        )
        assert two.until("broadcast")["payload"] == {
            "type": "broadcast",
            "event": "typing",
            "payload": {"a": 1},
        }
        seen = [one.receive(), one.receive()]
        assert {m["event"] for m in seen} == {"broadcast", "phx_reply"}
        assert next(m for m in seen if m["event"] == "phx_reply")["ref"] == ref
        push = encode_user_broadcast_push("1", "9", f"realtime:{name}", "cursor", b'{"x":3}', JSON_ENCODING)
        one_ws.send_bytes(push)
        assert two.until("broadcast")["payload"] == {
            "type": "broadcast",
            "event": "cursor",
            "payload": {"x": 3},
        }


def test_presence_track_is_told_to_the_channel(mock: Mock) -> None:
    name = channel(mock, KARI, "messages")
    with connect(mock.client, "2.0.0") as one_ws, connect(mock.client, "2.0.0") as two_ws:
        one, two = Socket(one_ws, "2.0.0"), Socket(two_ws, "2.0.0")
        one.join(name, KARI, {"presence": {"key": "phone", "enabled": True}})
        assert one.until("presence_state")["payload"] == {}
        two.join(name, KARI, {"presence": {"key": "laptop", "enabled": True}})
        two.until("presence_state")
        one.send(f"realtime:{name}", "presence", {"type": "presence", "event": "track", "payload": {"on": 1}})
        diff = two.until("presence_diff")["payload"]
        assert diff["leaves"] == {} and diff["joins"]["phone"]["metas"][0]["on"] == 1


def test_a_token_refresh_to_another_user_closes_the_channel(mock: Mock) -> None:
    name = channel(mock, KARI, "bookings")
    with connect(mock.client, "2.0.0") as ws:
        socket = Socket(ws, "2.0.0")
        socket.join(name, KARI)
        socket.send(f"realtime:{name}", "access_token", {"access_token": KARI})  # the same: nothing happens
        socket.send(f"realtime:{name}", "access_token", {"access_token": OLA})
        system = socket.until("system")["payload"]
        assert system["status"] == "error"
        assert system["message"] == f"You no longer have permission to read from this Channel topic: {name}"
        assert socket.until("phx_close")["topic"] == f"realtime:{name}"


def test_fault_rules_refuse_joins_and_drop_the_socket_per_sandbox(mock: Mock) -> None:
    rule = "GET /realtime/v1/websocket: error=1:503"
    assert mock.post("/__mock/sandbox/faults", KARI, json={"rule": rule}).status_code == 201
    with connect(mock.client, "2.0.0") as ws:
        socket = Socket(ws, "2.0.0")
        refused = socket.join(channel(mock, KARI, "bookings"), KARI)
        assert refused == {
            "status": "error",
            "response": {"reason": f"InjectedFault: the join was refused ({rule})"},
        }
        assert socket.join(channel(mock, OLA, "bookings"), OLA)["status"] == "ok"  # Ola's sandbox has no rule
    mock.delete("/__mock/sandbox/faults", KARI)
    assert (
        mock.post(
            "/__mock/sandbox/faults", KARI, json={"rule": "GET /realtime/v1/websocket: drop=1"}
        ).status_code
        == 201
    )
    with connect(mock.client, "2.0.0") as ws:
        Socket(ws, "2.0.0").send(
            f"realtime:{channel(mock, KARI, 'bookings')}",
            "phx_join",
            {"config": {"private": True}, "access_token": KARI},
        )
        assert ws.receive()["type"] == "websocket.close"


def test_a_delay_rule_holds_each_delivery(mock: Mock) -> None:
    assert (
        mock.post(
            "/__mock/sandbox/faults", KARI, json={"rule": "GET /realtime/v1/websocket: delay=300ms"}
        ).status_code
        == 201
    )
    with connect(mock.client, "2.0.0") as ws:
        socket = Socket(ws, "2.0.0")
        socket.join(channel(mock, KARI, "bookings"), KARI)
        started = time.monotonic()
        mock.post(
            "/__mock/sandbox/workshop-events",
            KARI,
            json={"type": "booking.requested", "registration_number": plate(mock)},
        )
        socket.until("broadcast")
        assert time.monotonic() - started >= 0.3


def test_the_journal_shows_the_socket_session_and_what_was_delivered(mock: Mock) -> None:
    with connect(mock.client, "2.0.0") as ws:
        socket = Socket(ws, "2.0.0")
        socket.join(channel(mock, KARI, "bookings"), KARI)
        mock.post(
            "/__mock/sandbox/workshop-events",
            KARI,
            json={"type": "booking.requested", "registration_number": plate(mock)},
        )
        socket.until("broadcast")
        socket.send("phoenix", "heartbeat", {})
        socket.until("phx_reply")
    entries = mock.get("/__mock/sandbox/journal", KARI).json()["entries"]
    sockets = [e for e in entries if e["method"] == "WEBSOCKET"]
    reasons = [e["reason"] for e in sockets]
    assert any(r.startswith(f"joined realtime:{channel(mock, KARI, 'bookings')}") for r in reasons)
    assert any(
        r.startswith(f"delivered broadcast booking.requested on {channel(mock, KARI, 'bookings')}")
        for r in reasons
    )
    assert all(e["path"] == "/realtime/v1/websocket" for e in sockets)


def test_the_config_names_the_mocks_own_origin_and_realtime_is_on(mock: Mock) -> None:
    body = mock.client.get(
        "/api/co/realtime/config", headers={"Authorization": f"Bearer {KARI}", "Host": "mock.example:8080"}
    ).json()
    assert body["enabled"] is True
    assert body["supabase_url"] == "http://mock.example:8080"
    assert body["channels"]["bookings"] == channel(mock, KARI, "bookings")


def test_rest_broadcast_reaches_the_joined_channel_and_refuses_bad_input(mock: Mock) -> None:
    name = channel(mock, KARI, "notifications")
    auth = {"apikey": KEY, "Authorization": f"Bearer {KARI}"}
    with connect(mock.client, "2.0.0") as ws:
        socket = Socket(ws, "2.0.0")
        socket.join(name, KARI)
        sent = mock.client.post(
            "/realtime/v1/api/broadcast",
            headers=auth,
            json={"messages": [{"topic": name, "event": "hello", "payload": {"n": 1}, "private": True}]},
        )
        assert sent.status_code == 202
        assert socket.until("broadcast")["payload"] == {
            "type": "broadcast",
            "event": "hello",
            "payload": {"n": 1},
        }
        one = mock.client.post(
            f"/realtime/v1/api/broadcast/{name}/events/again?private=true", headers=auth, json={"n": 2}
        )
        assert one.status_code == 202
        assert socket.until("broadcast")["payload"]["payload"] == {"n": 2}
    assert mock.client.post("/realtime/v1/api/broadcast", json={"messages": []}).json() == {
        "error": "API key is missing"
    }
    bad = mock.client.post(
        "/realtime/v1/api/broadcast", headers=auth, json={"messages": [{"topic": "", "event": "e"}]}
    )
    assert bad.status_code == 400 and bad.json() == {"error": "messages[0].topic must be a non-empty string"}
    assert mock.client.post("/realtime/v1/api/broadcast", headers=auth, content=b"{").status_code == 400
    forged = mock.client.post(
        "/realtime/v1/api/broadcast",
        headers={**auth, "Authorization": "Bearer nobody"},
        json={"messages": [{"topic": name, "event": "e", "payload": {}}]},
    )
    assert forged.status_code == 401


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    frames=st.lists(
        st.tuples(
            st.sampled_from(["realtime:", "realtime:lobby", "phoenix", "other", "realtime:user:x:bookings"]),
            st.sampled_from(
                ["phx_join", "phx_leave", "broadcast", "presence", "access_token", "heartbeat", "x"]
            ),
            st.dictionaries(
                st.sampled_from(["config", "access_token", "event", "payload", "type"]),
                json_values,
                max_size=4,
            ),
        ),
        max_size=6,
    ),
    raw=st.lists(st.text(max_size=30) | st.binary(max_size=20), max_size=2),
)
def test_whatever_a_client_sends_the_socket_keeps_answering(mock: Mock, frames, raw) -> None:
    with connect(mock.client, "2.0.0") as ws:
        socket = Socket(ws, "2.0.0")
        for item in raw:
            ws.send_bytes(item) if isinstance(item, bytes) else ws.send_text(item)
        for topic, event, payload in frames:
            socket.send(topic, event, payload, join_ref="1")
        ref = socket.send("phoenix", "heartbeat", {})
        for _ in range(60):
            message = socket.receive()
            if message.get("topic") == "phoenix" and message.get("ref") == ref:
                break
        assert message["payload"] == {"status": "ok", "response": {}}
