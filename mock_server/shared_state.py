"""Several mock processes on one database (`--state postgresql://…`): read your writes on any of them.

Middleware outside the sandbox gate and persistence, once the caller's sandbox is known
(`asgi_tools.caller_token`): before the request runs, the caller's sandbox is made the stored one
(store/postgres_state.py `refresh`: one indexed query, a load when another process changed it;
the queries of requests in flight together are one, `VersionChecks`).
A request that may change state (`packs.base.may_change_state`: a write method, or a read a pack
declares a write, as Navixy's actions sent as GETs) first takes the sandbox's lock across processes
and keeps it until its answer went out — after persistence committed the change — so writers of
one sandbox on different processes take turns and each starts from the last acknowledged state. The
lock is taken outside the gate: a request waiting for it holds nothing a snapshot in this process
waits for.

When the database cannot be reached the request is answered 503 `SERVER_BUSY` with Retry-After
(nothing was changed or acknowledged); the readiness endpoint says so too.

The live events a request published go to the other processes with its commit (realtime/bus.py);
those no commit carried are sent when the request ends, still inside the sandbox's lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

import psycopg
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .asgi_tools import caller_token
from .packs.base import ApiPack, may_change_state
from .request_body import send_problem
from .store.postgres_state import PostgresState, StateStoreError
from .store.sandbox import SandboxRegistry
from .store.version_queries import Done

log = logging.getLogger(__name__)
UNREACHABLE = "The mock's shared state database cannot be reached; try again shortly."


Told = Callable[[int | BaseException | None], None]


class VersionQuerier(Protocol):
    """Sends one query of stored versions at a time (store/version_queries.py)."""

    def query(self, tokens: list[str], done: Done) -> None: ...


class VersionChecks:
    """The stored versions of the sandboxes that requests are about to use, asked in batches.

    A request waits for a query that was sent after it arrived — so it sees every change
    acknowledged before it came, on any process — and one query answers every request waiting when
    it is sent: under load a process asks once per round trip, not once per request, and the loop
    serves others meanwhile. The first to ask sends the query once the loop has read what else came
    with it; those that come while a query is out wait for the next, sent as soon as it is answered
    and before those it answered are told (so its round trip passes while they are served). Each is
    told by a plain call (`then`): a future a read cost more than its share of the query."""

    def __init__(self, queries: VersionQuerier) -> None:
        self.queries = queries
        self._waiting: dict[str, list[Told]] = {}
        self._out = False  # a query is out, or about to be sent
        self.batches_told = 0  # those told one answer share its number (they run one after another)

    async def of(self, token: str) -> int | None:
        return await self.ask(token)

    def ask(self, token: str) -> asyncio.Future[int | None]:
        """The stored version of `token` (None: not stored), from a query sent from now on."""
        answer: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

        def told(outcome: int | BaseException | None) -> None:
            if answer.done():
                return
            if isinstance(outcome, BaseException):
                answer.set_exception(outcome)
            else:
                answer.set_result(outcome)

        self.then(token, told)
        return answer

    def then(self, token: str, told: Told) -> None:
        """`told` gets the stored version of `token` (None: not stored), or the error, from a query
        sent from now on; never before this returns."""
        waiting = self._waiting.get(token)
        if waiting is None:
            self._waiting[token] = [told]
        else:
            waiting.append(told)
        if not self._out:
            self._out = True
            asyncio.get_running_loop().call_soon(self._send)

    def _send(self) -> None:
        batch, self._waiting = self._waiting, {}
        if not batch:
            self._out = False
            return

        def answered(outcome: dict[str, int] | BaseException) -> None:
            self.batches_told += 1
            # Those that came while it was out: their query goes out first, and its round trip
            # passes while these are answered.
            self._send()
            if isinstance(outcome, BaseException):  # every request of the batch answers it (503)
                for answers in batch.values():
                    for told in answers:
                        _tell(told, outcome)
            else:
                for token, answers in batch.items():
                    version = outcome.get(token)
                    for told in answers:
                        _tell(told, version)

        self.queries.query(list(batch), answered)


def _tell(told: Told, outcome: int | BaseException | None) -> None:
    try:
        told(outcome)
    except Exception:  # one request's failure is not the batch's
        log.exception("answering a version check failed")


class SharedStateMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        state: PostgresState,
        sandboxes: SandboxRegistry,
        refreshed: Callable[[str], None],
        dropped: Callable[[str], None],
        packs: tuple[ApiPack, ...] = (),
        published: Callable[[str], None] = lambda token: None,
    ) -> None:
        self.app = app
        self.packs = packs
        self.state = state
        self.sandboxes = sandboxes
        self.refreshed = refreshed  # a sandbox loaded anew: bring the images it shows
        self.dropped = dropped  # a sandbox another process deleted: forget its journal and streams
        self.published = published  # the request ended: live events no commit carried go out
        self.versions = VersionChecks(state.version_queries)

    async def refresh(self, token: str) -> None:
        """The caller's sandbox made the stored one (the fast lane asks this too)."""
        held = self.sandboxes.peek(token)
        version = await self.versions.of(token)
        fresh = self.state.refresh(token, self.sandboxes, self.dropped, version=version)
        if fresh is not None:
            if fresh is not held:
                self.refreshed(token)
            self.state.touch(token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = caller_token(scope) if scope["type"] == "http" else None
        if token is None:
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            if not may_change_state(scope, self.packs):
                await self.refresh(token)
                await self._serve(token, scope, receive, sending)
            else:
                async with self.state.locked(token):
                    await self.refresh(token)
                    await self._serve(token, scope, receive, sending)
        except (StateStoreError, psycopg.OperationalError) as error:
            if started:
                raise
            log.warning("state database unreachable: %s", error)
            await send_problem(send, "SERVER_BUSY", UNREACHABLE, retry_after=1)

    async def _serve(self, token: str, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            self.published(token)
