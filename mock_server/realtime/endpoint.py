"""The Realtime server's two doors: the websocket at /realtime/v1/websocket and the REST broadcast
endpoint at /realtime/v1/api/broadcast, speaking as Supabase Realtime speaks to supabase-js.

Auth as the real server does it: the anon key as `apikey` (query) or `x-api-key` (header) on the
socket, refused before the upgrade with a 401 and `{"error": ...}`; the user's MinBil bearer
token as the channel's `access_token` in the join (and in later `access_token` pushes). A join
of another user's channel, or with a token that is no user's, is refused with the reason a real
server gives (`Unauthorized: You do not have permissions to read from this Channel topic: ...`,
`MalformedJWT: The token provided is not a valid JWT`).

Faults: the sandbox's fault rules (and the global ones) that match `GET /realtime/v1/websocket`
apply: `error=` refuses joins, `drop=` closes the socket (at a join or a delivery), `delay=`
holds each delivery. Prefer has no meaning here.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..injection import FaultInjector
from ..store.sandbox import Sandbox, SandboxRegistry
from .filters import Binding, BindingError, parse_binding
from .frames import VERSIONS, Frame, FrameError, Vsn, decode, encode
from .hub import WS_PATH, Channel, RealtimeHub, Session, scope_rules
from .rows import CHANNEL_NAMES

BROADCAST_PATH = "/realtime/v1/api/broadcast"
_USER_TOPIC = re.compile(r"^user:(?P<user>[0-9a-fA-F-]{36}):(?P<channel>[a-z_]+)$")


class RealtimeAuth:
    """Who a key or token is: the anon key, a sandbox's user, or nobody."""

    def __init__(self, anon_key: str, sandboxes: SandboxRegistry) -> None:
        self.anon_key = anon_key
        self.sandboxes = sandboxes

    def key_error(self, key: str | None) -> str | None:
        """None when `key` is the anon key; else the real server's words for the refusal."""
        if not key:
            return "API key is missing"
        if key == self.anon_key:
            return None
        if key.count(".") == 2:
            return "Failed to validate JWT signature"
        return "The token provided is not a valid JWT"

    def user(self, token: str | None) -> Sandbox | bool | None:
        """The sandbox of a user's token; None for the anon key (or no token); False: no one's."""
        if not token or token == self.anon_key:
            return None
        return self.sandboxes.by_token(token) or False


def may_join(name: str, private: bool, sandbox: Sandbox | None) -> bool:
    """A user's own channels need that user's token; other names are public rooms (not private)."""
    match = _USER_TOPIC.match(name)
    if match is not None:
        return (
            sandbox is not None
            and match["user"].lower() == str(sandbox.user_id)
            and match["channel"] in CHANNEL_NAMES
        )
    return not private


def unauthorized(name: str) -> str:
    return f"Unauthorized: You do not have permissions to read from this Channel topic: {name}"


MALFORMED = "MalformedJWT: The token provided is not a valid JWT"


class RealtimeMiddleware:
    """Serves the Realtime websocket; every other websocket is refused, HTTP passes on untouched."""

    def __init__(
        self,
        app: ASGIApp,
        hub: RealtimeHub,
        auth: RealtimeAuth,
        injector: FaultInjector,
        idle_timeout_s: float = 60.0,
    ) -> None:
        self.app = app
        self.hub = hub
        self.auth = auth
        self.injector = injector
        self.idle_timeout_s = idle_timeout_s
        self.rules = scope_rules(auth.sandboxes.by_token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        if scope["path"].rstrip("/") != WS_PATH:
            await _refuse(scope, receive, send, 404, "Not found")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        key = headers.get("x-api-key") or (query.get("apikey") or [None])[0]
        refusal = self.auth.key_error(key)
        if refusal is not None:
            await _refuse(scope, receive, send, 401, refusal)
            return
        vsn = (query.get("vsn") or ["1.0.0"])[0]
        if vsn not in VERSIONS:
            await _refuse(
                scope, receive, send, 400, f"Unsupported serializer version vsn={vsn}: use 1.0.0 or 2.0.0"
            )
            return
        await SocketServer(self, vsn).serve(receive, send)  # type: ignore[arg-type]


class SocketServer:
    """One accepted socket: a reader (with the idle timeout) and a writer (with delivery faults)."""

    def __init__(self, door: RealtimeMiddleware, vsn: Vsn) -> None:
        self.door = door
        self.hub = door.hub
        self.session = Session(vsn)
        self.tokens: set[str] = set()
        self.gone = False  # the client disconnected: nothing more is sent

    async def serve(self, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        self.session.bind()
        await send({"type": "websocket.accept"})
        self.hub.opened(self.session, "")
        writer = asyncio.create_task(self._write(send))
        try:
            await self._read(receive)
        finally:
            self.session.close(self.session.close_code)
            self.hub.closed(self.session)
            try:
                await asyncio.wait_for(writer, timeout=5)
            except (TimeoutError, Exception):
                writer.cancel()
            for token in self.tokens:
                self.hub.note(token, f"socket {self.session.id} closed", status=101)

    async def _read(self, receive: Receive) -> None:
        while not self.session.closed:
            try:
                message = await asyncio.wait_for(receive(), timeout=self.door.idle_timeout_s)
            except TimeoutError:
                # No heartbeat (nor anything else) for the whole timeout: the client is gone.
                self.session.close(1000)
                return
            if message["type"] == "websocket.disconnect":
                self.gone = True
                self.session.close()
                return
            data = message.get("text") if message.get("text") is not None else message.get("bytes")
            if data is None:
                continue
            try:
                frame = decode(data, self.session.vsn)
            except FrameError as exc:
                self.session.send(Frame("phoenix", "phx_error", {"reason": f"InvalidMessage: {exc}"}))
                continue
            self.handle(frame)

    async def _write(self, send: Send) -> None:
        while True:
            delivery = await self.session.queue.get()
            if delivery is None:
                break
            injected: tuple[str, ...] = ()
            if delivery.what is not None and (delivery.scope or self.door.injector.global_rules):
                decision = self.door.injector.decide(
                    "GET", WS_PATH, None, delivery.scope, self.door.rules(delivery.scope)
                )
                injected = tuple(decision.notes)
                if decision.action == "drop":
                    self.hub.note(delivery.scope, f"socket {self.session.id} dropped before: {delivery.what}",
                                  injected=injected)  # fmt: skip
                    self.session.close(1011)
                    break
                if decision.delay_s:
                    await asyncio.sleep(decision.delay_s)
            try:
                data = encode(delivery.frame, self.session.vsn)
            except FrameError:
                continue
            try:
                if isinstance(data, bytes):
                    await send({"type": "websocket.send", "bytes": data})
                else:
                    await send({"type": "websocket.send", "text": data})
            except Exception:  # the client is gone; the reader sees the disconnect
                self.gone = True
                self.session.close()
                break
            if delivery.what is not None:
                self.hub.note(delivery.scope, f"delivered {delivery.what} (socket {self.session.id})",
                              injected=injected)  # fmt: skip
        if not self.gone:
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": self.session.close_code})

    # --- messages from the client ---------------------------------------------------------

    def reply(self, frame: Frame, status: str, response: dict[str, Any], join_ref: str | None = None) -> None:
        payload = {"status": status, "response": response}
        scope = self.session.channels[frame.topic].scope if frame.topic in self.session.channels else ""
        self.session.send(
            Frame(frame.topic, "phx_reply", payload, frame.ref, join_ref or frame.join_ref), scope
        )

    def handle(self, frame: Frame) -> None:
        if frame.topic == "phoenix":
            if frame.event == "heartbeat":
                self.reply(frame, "ok", {})
            return
        if frame.event == "phx_join":
            self.join(frame)
            return
        channel = self.session.channels.get(frame.topic)
        if channel is None:
            self.reply(frame, "error", {"reason": "unmatched topic"})
            return
        if frame.event == "phx_leave":
            self.hub.leave(channel)
            self.reply(frame, "ok", {})
            channel.push("phx_close", {})
            self.hub.note(channel.scope, f"left {channel.topic} (socket {self.session.id})")
        elif frame.event == "access_token":
            self.refresh(channel, frame)
        elif frame.event == "broadcast":
            self.hub.broadcast(channel.scope, channel.name, frame.payload, channel, frame.binary)
            if channel.ack:
                self.reply(frame, "ok", {})
        elif frame.event == "presence":
            self.presence(channel, frame)
        else:
            text = f"Unexpected message from client of type `{frame.event}`"
            self.reply(frame, "error", {"reason": text})

    def join(self, frame: Frame) -> None:
        if not frame.topic.startswith("realtime:"):
            self.reply(frame, "error", {"reason": "unmatched topic"})
            return
        name = frame.topic[len("realtime:") :]
        if not name:
            self.reply(frame, "error", {"reason": "TopicNameRequired: You must provide a topic name"})
            return
        config = frame.payload.get("config") if isinstance(frame.payload.get("config"), dict) else {}
        private = bool(config.get("private"))
        token = frame.payload.get("access_token") or frame.payload.get("user_token")
        who = self.door.auth.user(token if isinstance(token, str) else None)
        if who is False:
            self.reply(frame, "error", {"reason": MALFORMED})
            return
        sandbox = who if isinstance(who, Sandbox) else None
        scope = sandbox.token if sandbox is not None else ""
        planted = "realtime-joins-any-channel" in self.hub.faults
        if not may_join(name, private, sandbox) and not planted:
            self.reply(frame, "error", {"reason": unauthorized(name)})
            self.hub.note(
                scope, f"join of {frame.topic} refused: {unauthorized(name)}", refused=True, status=None
            )
            return
        decision = self.door.injector.decide("GET", WS_PATH, None, scope, self.door.rules(scope))
        if decision.action == "error" and decision.rule is not None:
            reason = f"InjectedFault: the join was refused ({decision.rule.text})"
            self.reply(frame, "error", {"reason": reason})
            self.hub.note(
                scope,
                f"join of {frame.topic} refused: {reason}",
                refused=True,
                injected=tuple(decision.notes),
            )
            return
        if decision.action == "drop":
            self.hub.note(
                scope, f"socket dropped at the join of {frame.topic}", injected=tuple(decision.notes)
            )
            self.session.close(1011)
            return
        channel = self._channel(frame, name, scope, config, private)
        bindings, problems = self._bindings(config.get("postgres_changes"))
        channel.bindings = tuple(b for b in bindings if b.id not in problems)
        self.hub.join(channel)
        if scope:
            self.tokens.add(scope)
            self.hub.opened(self.session, scope)
        self.reply(frame, "ok", {"postgres_changes": [binding.reply() for binding in bindings]})
        if channel.presence_enabled:
            channel.push("presence_state", self.hub.presence_state(scope, name))
        if bindings:
            for binding in bindings:
                if binding.id in problems:
                    channel.push("system", _system("error", problems[binding.id], name))
            if len(problems) < len(bindings):
                channel.push("system", _system("ok", "Subscribed to PostgreSQL", name))
        self.hub.note(scope, f"joined {frame.topic} (socket {self.session.id}, vsn {self.session.vsn})")

    def _channel(self, frame: Frame, name: str, scope: str, config: dict[str, Any], private: bool) -> Channel:
        broadcast = config.get("broadcast") if isinstance(config.get("broadcast"), dict) else {}
        presence = config.get("presence") if isinstance(config.get("presence"), dict) else {}
        key = presence.get("key") or ""
        return Channel(
            session=self.session,
            topic=frame.topic,
            name=name,
            scope=scope,
            join_ref=frame.join_ref or frame.ref,
            self_broadcast=bool(broadcast.get("self")),
            ack=bool(broadcast.get("ack")),
            private=private,
            presence_enabled=bool(presence.get("enabled", True)),
            presence_key=str(key) if key else self.session.id,
        )

    @staticmethod
    def _bindings(raw: Any) -> tuple[list[Binding], dict[int, str]]:
        bindings: list[Binding] = []
        problems: dict[int, str] = {}
        for item in raw if isinstance(raw, list) else []:
            binding_id = zlib.crc32(orjson.dumps(item, option=orjson.OPT_SORT_KEYS)) & 0x7FFFFFF
            try:
                bindings.append(parse_binding(item, binding_id))
            except BindingError as exc:
                problems[binding_id] = str(exc)
                echo = item if isinstance(item, dict) else {}
                table, text = str(echo.get("table") or ""), echo.get("filter") or None
                event, schema = str(echo.get("event", "*")), str(echo.get("schema", ""))
                bindings.append(Binding(binding_id, event, schema, table, text))
        return bindings, problems

    def refresh(self, channel: Channel, frame: Frame) -> None:
        token = frame.payload.get("access_token")
        if not isinstance(token, str) or token.startswith("sb_"):
            return
        who = self.door.auth.user(token)
        sandbox = who if isinstance(who, Sandbox) else None
        if who is False:
            message = "The token provided is not a valid JWT"
        elif (sandbox.token if sandbox else "") != channel.scope and not may_join(
            channel.name, channel.private, sandbox
        ):
            message = f"You no longer have permission to read from this Channel topic: {channel.name}"
        else:
            return  # the same user (or a token as good): the channel goes on
        channel.push("system", _system("error", message, channel.name, extension="system"))
        self.hub.leave(channel)
        channel.push("phx_close", {})
        self.hub.note(channel.scope, f"{channel.topic} closed on a token refresh: {message}", refused=True)

    def presence(self, channel: Channel, frame: Frame) -> None:
        kind = frame.payload.get("event")
        if kind == "track":
            payload = frame.payload.get("payload")
            if not isinstance(payload, dict):
                self.reply(frame, "error", {"reason": "Presence track payload must be a map"})
                return
            self.hub.track(channel, payload)
        elif kind == "untrack":
            self.hub.untrack(channel)
        else:
            self.reply(
                frame, "error", {"reason": f"Unexpected presence event `{kind}`: use track or untrack"}
            )
            return
        self.reply(frame, "ok", {})


def _system(status: str, message: str, channel: str, extension: str = "postgres_changes") -> dict[str, Any]:
    return {"extension": extension, "status": status, "message": message, "channel": channel}


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    """Refuse the upgrade with an HTTP answer where the server can send one, else close."""
    await receive()  # websocket.connect
    if "websocket.http.response" in scope.get("extensions", {}):
        body = orjson.dumps({"error": message})
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})


# --- REST ---------------------------------------------------------------------------------------


def broadcast_endpoint(hub: RealtimeHub, auth: RealtimeAuth) -> Callable[[Request], Any]:
    """POST /realtime/v1/api/broadcast `{messages: [{topic, event, payload, private}]}` (202), and
    POST /realtime/v1/api/broadcast/{topic}/events/{event} with the payload as the body (202)."""

    async def serve(request: Request) -> Response:
        refusal = auth.key_error(request.headers.get("apikey") or request.query_params.get("apikey"))
        if refusal is not None:
            return JSONResponse({"error": refusal}, status_code=401)
        bearer = request.headers.get("authorization", "")
        token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else None
        who = auth.user(token)
        if who is False:
            return JSONResponse({"error": "The token provided is not a valid JWT"}, status_code=401)
        sandbox = who if isinstance(who, Sandbox) else None
        scope = sandbox.token if sandbox is not None else ""
        try:
            body = orjson.loads(await request.body() or b"null")
        except orjson.JSONDecodeError:
            return JSONResponse({"error": "The body is not JSON"}, status_code=400)
        tail = request.path_params.get("path", "").strip("/")
        if tail:
            parts = tail.split("/")
            if len(parts) != 3 or parts[1] != "events":
                return JSONResponse({"error": "Not found"}, status_code=404)
            private = request.query_params.get("private") == "true"
            messages: Any = [{"topic": parts[0], "event": parts[2], "payload": body, "private": private}]
        else:
            messages = body.get("messages") if isinstance(body, dict) else None
        problem = _messages_problem(messages)
        if problem is not None:
            return JSONResponse({"error": problem}, status_code=400)
        for item in messages:
            name = str(item["topic"])
            name = name[len("realtime:") :] if name.startswith("realtime:") else name
            if not may_join(name, bool(item.get("private")), sandbox):
                hub.note(
                    scope,
                    f"REST broadcast to {name} not sent: {unauthorized(name)}",
                    refused=True,
                    status=202,
                )
                continue  # as the real server: accepted, and not sent where the caller may not write
            message = {"type": "broadcast", "event": str(item["event"]), "payload": item.get("payload", {})}
            hub.broadcast(scope, name, message, None)
        return Response(status_code=202)

    return serve


def _messages_problem(messages: Any) -> str | None:
    if not isinstance(messages, list) or not messages:
        return "Give messages: a non-empty list of {topic, event, payload}"
    for index, item in enumerate(messages):
        if not isinstance(item, dict) or not isinstance(item.get("topic"), str) or not item.get("topic"):
            return f"messages[{index}].topic must be a non-empty string"
        if not isinstance(item.get("event"), str) or not item.get("event"):
            return f"messages[{index}].event must be a non-empty string"
        if not isinstance(item.get("payload", {}), dict):
            return f"messages[{index}].payload must be a JSON object"
    return None
