"""Fault and latency injection as ASGI middleware (placed before Connexion's exception handling).

Per matching request: the delay is waited first; then at most one fault —
- error: a problem+json answer (or the API's own error shape) with the rule's status and code; the
  mock is not asked, nothing changes;
- drop: the status line goes out and the connection closes before the body (the client sees a broken
  answer); the mock is not asked, nothing changes;
- malformed: the mock answers (and may change state), then the body is cut in half, no longer JSON.
The control API (/__mock) is never subject to injected faults, so a sandbox cannot lock itself out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..asgi_tools import caller_token, current_notes, is_control, send_problem
from ..routes import RouteTable
from ..store.sandbox import SandboxRegistry
from .injector import Decision, FaultInjector

# (HTTP status, error code, detail) -> (body, content type): an API's own error shape.
ErrorAnswer = Callable[[int, str, str], tuple[bytes, str]]

RETRY_AFTER_S = 5


class FaultInjectionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        injector: FaultInjector,
        routes: RouteTable,
        sandboxes: SandboxRegistry,
        error_shapes: Sequence[tuple[str, ErrorAnswer]] = (),
    ) -> None:
        self.app = app
        self.injector = injector
        self.routes = routes
        self.sandboxes = sandboxes
        # APIs whose errors are not problem+json (a Navixy error envelope): (base path, its shape).
        self.error_shapes = [(base.rstrip("/") + "/", shape) for base, shape in error_shapes]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_control(scope):
            await self.app(scope, receive, send)
            return
        token = caller_token(scope)
        sandbox = self.sandboxes.by_token(token) if token else None
        own = sandbox.extras.fault_rules if sandbox is not None else []
        if not own and not self.injector.global_rules:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        decision = self.injector.decide(method, path, self.routes.operation(method, path), token, own)
        current_notes().injected.extend(decision.notes)
        if decision.delay_s > 0:
            await asyncio.sleep(decision.delay_s)
        if decision.action == "error":
            shape = next((shape for base, shape in self.error_shapes if path.startswith(base)), None)
            await _error(send, decision, shape)
        elif decision.action == "drop":
            await _drop(send)
        elif decision.action == "malformed":
            await self.app(scope, receive, _cut_in_half(send))
        else:
            await self.app(scope, receive, send)


async def _error(send: Send, decision: Decision, shape: ErrorAnswer | None = None) -> None:
    assert decision.rule is not None
    status = decision.rule.error_status
    extra = {"Retry-After": str(RETRY_AFTER_S)} if status in (429, 503) else None
    detail = f"Injected by the fault rule '{decision.rule.text}'."
    if shape is not None:
        body, content_type = shape(status, decision.rule.error_code, detail)
        headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
        headers += [(k.lower().encode(), v.encode()) for k, v in (extra or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    await send_problem(
        send,
        decision.rule.error_code,
        f"Injected by the fault rule '{decision.rule.text}'.",
        status=status,
        extra_headers=extra,
    )


async def _drop(send: Send) -> None:
    # Returning after the start message makes the server close the connection mid-answer.
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"1024")],
        }
    )


def _cut_in_half(send: Send) -> Send:
    start: Message = {}
    chunks: list[bytes] = []

    async def buffered(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        whole = b"".join(chunks)
        body = whole[: max(1, len(whole) // 2)] if whole else b"{"
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return buffered
