"""Fault and latency injection as ASGI middleware (placed before Connexion's exception handling).

Per matching request: the delay is waited first; then at most one fault —
- error: a problem+json answer with the rule's status and code; the mock is not asked, nothing changes;
- drop: the status line goes out and the connection closes before the body (the client sees a broken
  answer); the mock is not asked, nothing changes;
- malformed: the mock answers (and may change state), then the body is cut in half, no longer JSON.
The control API (/__mock) is never subject to injected faults, so a sandbox cannot lock itself out.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..asgi_tools import bearer_token, current_notes, is_control, send_problem
from ..routes import RouteTable
from ..store.sandbox import SandboxRegistry
from .injector import Decision, FaultInjector

RETRY_AFTER_S = 5


class FaultInjectionMiddleware:
    def __init__(
        self, app: ASGIApp, injector: FaultInjector, routes: RouteTable, sandboxes: SandboxRegistry
    ) -> None:
        self.app = app
        self.injector = injector
        self.routes = routes
        self.sandboxes = sandboxes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_control(scope):
            await self.app(scope, receive, send)
            return
        token = bearer_token(scope)
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
            await _error(send, decision)
        elif decision.action == "drop":
            await _drop(send)
        elif decision.action == "malformed":
            await self.app(scope, receive, _cut_in_half(send))
        else:
            await self.app(scope, receive, send)


async def _error(send: Send, decision: Decision) -> None:
    assert decision.rule is not None
    status = decision.rule.error_status
    extra = {"Retry-After": str(RETRY_AFTER_S)} if status in (429, 503) else None
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
