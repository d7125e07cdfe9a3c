"""Realtime (with --mock-controls): the channels `/realtime/config` names get the events that
workshop events must cause, live; another user's channel is refused.

Speaks Supabase Realtime's protocol itself (vsn 2.0.0 over a websocket), as supabase-js does: the
anon key as `apikey`, the bearer token as the channel's `access_token`, private channels.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
from typing import Any
from urllib.parse import quote

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

from ..client import ApiClient
from ..context import SuiteContext
from ..failures import CheckSkipped, expect

DESCRIPTION = "workshop events reach the user's realtime channels within a second; other users' are refused"
EVENTS_PATH = "/__mock/sandbox/workshop-events"
WITHIN_S = 1.0


def run(ctx: SuiteContext) -> None:
    ctx.run_check("workshop events arrive on the bookings and messages channels", lambda: _events_arrive(ctx))
    ctx.run_check("another user's channel is refused", lambda: _other_refused(ctx))


class _InProcess:
    """An in-process target's websocket (Starlette's test client), with recv(timeout) like websockets'."""

    def __init__(self, app: Any, path: str) -> None:
        from starlette.testclient import TestClient

        self._context = TestClient(app).websocket_connect(path)
        self._session = self._context.__enter__()
        self._frames: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        with contextlib.suppress(Exception):
            while True:
                self._frames.put(self._session.receive_text())

    def send(self, text: str) -> None:
        self._session.send_text(text)

    def recv(self, timeout: float) -> str:
        try:
            return self._frames.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._context.__exit__(None, None, None)


class _Socket:
    def __init__(self, connection: ClientConnection | _InProcess) -> None:
        self.connection, self.ref = connection, 0

    def join(self, name: str, token: str) -> dict[str, Any]:
        self.ref += 1
        ref = str(self.ref)
        payload = {"config": {"private": True, "presence": {"enabled": False}}, "access_token": token}
        self.connection.send(json.dumps([ref, ref, f"realtime:{name}", "phx_join", payload]))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = self.next(deadline - time.monotonic())
            if message and message[3] == "phx_reply" and message[1] == ref:
                return message[4]
        return {"status": "timeout"}

    def next(self, timeout: float) -> list[Any] | None:
        try:
            raw = self.connection.recv(timeout=max(0.01, timeout))
        except TimeoutError:
            return None
        value = json.loads(raw) if isinstance(raw, str) else None
        return value if isinstance(value, list) and len(value) == 5 else None

    def broadcast(self, topic: str, event: str, timeout: float) -> dict[str, Any] | None:
        """The payload of the next broadcast `event` on `topic` within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.next(deadline - time.monotonic())
            if (
                message
                and message[2] == topic
                and message[3] == "broadcast"
                and message[4].get("event") == event
            ):
                return message[4].get("payload") or {}
        return None


def _config(ctx: SuiteContext, api: ApiClient) -> dict[str, Any]:
    if ctx.options.time_control is None:
        raise CheckSkipped("needs --mock-controls (the workshop side is played through them)")
    config = api.request("GET", "/api/co/realtime/config").json()
    if not isinstance(config, dict) or not config.get("enabled"):
        raise CheckSkipped("realtime is not enabled on this server (/realtime/config)")
    return config


def _open(ctx: SuiteContext, config: dict[str, Any]) -> _Socket:
    path = f"/realtime/v1/websocket?apikey={quote(str(config['anon_key']))}&vsn=2.0.0"
    if ctx.target.in_process:
        return _Socket(_InProcess(ctx.target.app, path))
    endpoint = str(config["supabase_url"]).rstrip("/").replace("http", "ws", 1) + path
    try:
        return _Socket(connect(endpoint, open_timeout=5))
    except (OSError, WebSocketException) as error:
        expect(
            False, "realtime.workshop-events-arrive", f"the realtime socket {endpoint} did not open: {error}"
        )
        raise  # unreachable: expect raised


def _events_arrive(ctx: SuiteContext) -> None:
    ctx.skip_if_read_only()
    api = ctx.client()
    config = _config(ctx, api)
    cars = api.request("GET", "/api/co/vehicles").json().get("data") or []
    if not cars:
        raise CheckSkipped("the user has no linked vehicle to book")
    plate = cars[0]["registration_number"]
    controls = ctx.client(check_invariants=False)
    bookings, messages = config["channels"]["bookings"], config["channels"]["messages"]
    socket = _open(ctx, config)
    try:
        for name in (bookings, messages):
            reply = socket.join(name, ctx.options.token)
            expect(
                reply.get("status") == "ok",
                "realtime.workshop-events-arrive",
                f"joining the user's own channel {name} was answered {reply}",
            )
        requested = controls.request(
            "POST", EVENTS_PATH, json_body={"type": "booking.requested", "registration_number": plate}
        )
        booking = requested.json()["booking"]["id"]
        _arrives(socket, bookings, "booking.requested", booking, requested)
        for event, extra in (
            ("booking.accepted", {}),
            ("booking.updated", {"description": "Service og vask"}),
            ("booking.completed", {}),
        ):
            answer = controls.request(
                "POST", EVENTS_PATH, json_body={"type": event, "booking_id": booking, **extra}
            )
            _arrives(socket, bookings, event, booking, answer)
        entry = answer.json().get("service_log_entry_id")
        sent = controls.request(
            "POST",
            EVENTS_PATH,
            json_body={"type": "message.new", "service_log_id": entry, "body": "Bilen er klar."},
        )
        got = socket.broadcast(f"realtime:{messages}", "message.new", WITHIN_S)
        expect(
            got is not None and got.get("body") == "Bilen er klar.",
            "realtime.workshop-events-arrive",
            f"message.new did not arrive on {messages} within {WITHIN_S} s (got {got})",
            sent.exchange,
        )
    finally:
        socket.connection.close()


def _arrives(socket: _Socket, name: str, event: str, booking: str, answer: Any) -> None:
    got = socket.broadcast(f"realtime:{name}", event, WITHIN_S)
    expect(
        got is not None and got.get("id") == booking,
        "realtime.workshop-events-arrive",
        f"{event} of booking {booking} did not arrive on {name} within {WITHIN_S} s (got {got})",
        answer.exchange,
    )


def _other_refused(ctx: SuiteContext) -> None:
    if not ctx.options.second_token:
        raise CheckSkipped("needs --second-token")
    config = _config(ctx, ctx.client())
    answer = ctx.client(ctx.options.second_token).request("GET", "/api/co/realtime/config")
    theirs = answer.json()["channels"]["bookings"]
    socket = _open(ctx, config)
    try:
        reply = socket.join(theirs, ctx.options.token)
    finally:
        socket.connection.close()
    expect(
        reply.get("status") == "error",
        "realtime.other-users-channel-refused",
        f"joining another user's channel {theirs} (from this config) with --token was answered {reply}, "
        "not refused",
        answer.exchange,
    )
