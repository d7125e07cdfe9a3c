"""Requests to one sandbox run side by side; taking a snapshot of it runs alone.

A snapshot of a big sandbox takes long to write out, so it is written in a worker thread while the
event loop serves everyone else. Meanwhile nothing may change the sandbox (a change half-way would
tear the snapshot, or change a dict while the thread walks it). The gate is middleware that counts
the requests in flight per token; `alone(token)` closes the gate for that token (new requests for
it wait, other sandboxes are not held up), waits for those in flight to finish, and opens it again
when the snapshot is taken.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.types import ASGIApp, Receive, Scope, Send

from .asgi_tools import caller_token


class SandboxGate:
    def __init__(self) -> None:
        self._in_flight: Counter[str] = Counter()
        self._closed: dict[str, asyncio.Event] = {}  # set when the gate opens again
        self._drained: dict[str, asyncio.Event] = {}  # set when the last request in flight leaves

    async def enter(self, token: str) -> None:
        while (opened := self._closed.get(token)) is not None:
            await opened.wait()
        self._in_flight[token] += 1

    def is_open(self, token: str) -> bool:
        """True when a request of `token` may start now, without waiting."""
        return token not in self._closed

    def leave(self, token: str) -> None:
        self._in_flight[token] -= 1
        if self._in_flight[token] <= 0:
            del self._in_flight[token]
            drained = self._drained.get(token)
            if drained is not None:
                drained.set()

    @asynccontextmanager
    async def alone(self, token: str, *, inside_request: bool = True) -> AsyncIterator[None]:
        """Run the block with no other request of `token` in flight, none starting."""
        if inside_request:
            self.leave(token)  # the caller's own request must not wait for itself
        try:
            while (opened := self._closed.get(token)) is not None:
                await opened.wait()
            opened = self._closed[token] = asyncio.Event()
            try:
                while self._in_flight[token] > 0:
                    drained = self._drained[token] = asyncio.Event()
                    await drained.wait()
                yield
            finally:
                del self._closed[token]
                self._drained.pop(token, None)
                opened.set()
        finally:
            if inside_request:
                self._in_flight[token] += 1


class SandboxGateMiddleware:
    def __init__(self, app: ASGIApp, gate: SandboxGate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = caller_token(scope) if scope["type"] == "http" else None
        if token is None:
            await self.app(scope, receive, send)
            return
        await self.gate.enter(token)
        try:
            await self.app(scope, receive, send)
        finally:
            self.gate.leave(token)
