"""Faults on the wire: requests changed before the mock sees them, responses after it answered."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ....asgi_tools import rewriting
from ....store.sandbox import SandboxRegistry
from ..domain.models import NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS
from ..state import owner_state

SETTINGS_PATH = "/api/co/settings/notifications"
SERVICE_LOG_LIST_PATH = "/api/co/service-log/list"
VEHICLES_PATH = "/api/co/vehicles"


def _header(scope: Scope, name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == name), None)


def _with_header(scope: Scope, name: bytes, value: str) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k != name] + [(name, value.encode("latin-1"))]
    return {**scope, "headers": headers}


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class FaultyRequestMiddleware:
    """Rewrites requests: tokens, notification bodies, the service-log page size."""

    def __init__(self, app: ASGIApp, faults: frozenset[str], sandboxes: SandboxRegistry) -> None:
        self.app = app
        self.faults = faults
        self.sandboxes = sandboxes

    def _some_token(self) -> str | None:
        return next((sandbox.token for sandbox in self.sandboxes), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = self._tokens(scope)
        if scope["path"] == SERVICE_LOG_LIST_PATH and "page-size-default-10" in self.faults:
            query = parse_qsl(scope["query_string"].decode("latin-1"))
            if "page_size" not in {k for k, _ in query}:
                query.append(("page_size", "10"))
                scope = {**scope, "query_string": urlencode(query).encode("latin-1")}
        if (
            scope["path"] == SETTINGS_PATH
            and scope["method"] == "PUT"
            and self.faults & {"accept-unknown-event", "partial-preferences-write"}
        ):
            body = await _read_body(receive)
            body = self._preferences(scope, body)
            scope = _with_header(scope, b"content-length", str(len(body)))
            receive = _replay(body)
        await self.app(scope, receive, send)

    def _tokens(self, scope: Scope) -> Scope:
        authorization = _header(scope, b"authorization")
        if authorization is None and "accept-missing-token" in self.faults:
            token = self._some_token()
            return _with_header(scope, b"authorization", f"Bearer {token}") if token else scope
        if authorization and "accept-wrong-token" in self.faults:
            token = authorization.partition(" ")[2]
            if self.sandboxes.by_token(token) is None and (fallback := self._some_token()):
                return _with_header(scope, b"authorization", f"Bearer {fallback}")
        return scope

    def _preferences(self, scope: Scope, body: bytes) -> bytes:
        parsed = preference_patch(body)
        if parsed is None:
            return body
        patch, known = parsed
        if "partial-preferences-write" in self.faults and known != patch:
            token = (_header(scope, b"authorization") or "").partition(" ")[2]
            if (sandbox := self.sandboxes.by_token(token)) is not None:
                for event, channels in known.items():
                    owner_state(sandbox).preferences[event].update(channels)
        if "accept-unknown-event" in self.faults:
            return json.dumps({e: c for e, c in patch.items() if e in NOTIFICATION_EVENTS}).encode()
        return body


def _drop_make(body: Any) -> Any:
    if isinstance(body.get("data"), list):
        for item in body["data"]:
            item.pop("make", None)
    return body


def _naive_generated_at(body: Any) -> Any:
    meta = body.get("meta") if isinstance(body, dict) else None
    if isinstance(meta, dict) and isinstance(meta.get("generated_at"), str):
        meta["generated_at"] = meta["generated_at"].removesuffix("Z").split("+")[0]
    return body


class FaultyResponseMiddleware:
    """Rewrites JSON response bodies after the mock (and its own validation) produced them."""

    def __init__(self, app: ASGIApp, faults: frozenset[str]) -> None:
        self.app = app
        self.faults = faults

    def _rewrites(self, scope: Scope) -> list[Callable[[Any], Any]]:
        rewrites = []
        if (
            "drop-required-field" in self.faults
            and scope["path"] == VEHICLES_PATH
            and scope["method"] == "GET"
        ):
            rewrites.append(_drop_make)
        if "naive-datetime" in self.faults and scope["path"].startswith("/api/co/"):
            rewrites.append(_naive_generated_at)
        return rewrites

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rewrites = self._rewrites(scope) if scope["type"] == "http" else []
        if not rewrites:
            await self.app(scope, receive, send)
            return

        def change(start: Message, body: bytes) -> tuple[Message, bytes]:
            try:
                document = json.loads(body)
                for rewrite in rewrites:
                    document = rewrite(document)
            except (ValueError, AttributeError):
                return start, body
            return start, json.dumps(document, ensure_ascii=False).encode()

        await self.app(scope, receive, rewriting(send, change))


def preference_patch(body: bytes) -> tuple[dict[str, Any], dict[str, dict[str, bool]]] | None:
    """A notification-settings body and the part of it the API knows (known events, known channels,
    boolean values); None when it is no JSON object."""
    try:
        patch = json.loads(body)
    except ValueError:
        return None
    if not isinstance(patch, dict):
        return None
    known = {
        event: {c: v for c, v in channels.items() if c in NOTIFICATION_CHANNELS and isinstance(v, bool)}
        for event, channels in patch.items()
        if event in NOTIFICATION_EVENTS and isinstance(channels, dict)
    }
    return patch, known
