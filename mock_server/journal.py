"""The request journal: the last requests of each sandbox, with their validation outcome and, for a
rejected request, the reason in plain words (which parameter or field, which rule).

Middleware placed just inside request ids and CORS, so it sees every answer, injected faults and
Prefer answers included. Requests are filed under the sandbox of their bearer token; requests
without a known token belong to no sandbox and are not kept. The control API is not journaled.
The journal lives in memory only: it is a diagnostic, not part of a sandbox's state. On a store several
processes share, a read gathers every process's entries (shared_journal.py).
"""

from __future__ import annotations

import json
import time
import typing as t
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .asgi_tools import RequestNotes, bearer_token, is_control, start_notes
from .problems import PROBLEM_JSON
from .request_context import current_request_id
from .routes import RouteTable
from .store.sandbox import SandboxRegistry

_PROBLEM_JSON = PROBLEM_JSON.encode()
DEFAULT_SIZE = 200
Outcome = Literal["passed", "rejected", "not_checked"]

# Codes that mean "the request itself was refused", as opposed to a valid request the rules refused.
REJECTION_CODES = frozenset(
    {
        "VALIDATION_FAILED", "INVALID_JSON", "INVALID_REGISTRATION_NUMBER", "REGISTRATION_NUMBER_CONFLICT",
        "REGISTRATION_NUMBER_REQUIRED", "INVALID_DATE_RANGE", "INVALID_IMAGE", "METHOD_NOT_ALLOWED",
        "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "NOT_ACCEPTABLE", "INVALID_PREFER_HEADER",
    }
)  # fmt: skip


@dataclass(frozen=True)
class JournalEntry:
    request_id: str
    at: datetime
    method: str
    path: str
    query: str
    operation_id: str | None
    status: int | None
    duration_ms: float
    validation: Outcome
    problem_code: str | None = None
    reason: str | None = None
    errors: tuple[dict[str, str], ...] = ()
    injected: tuple[str, ...] = ()
    prefer: str | None = None


class RequestJournal:
    """Entries may be recorded as a function that builds them: the work is done only when read."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._by_token: dict[str, deque[JournalEntry | Callable[[], JournalEntry]]] = {}
        # With a store several processes share (shared_journal.py): the entries of a sandbox the
        # other processes served, and telling them a sandbox's journal is to be forgotten.
        self.elsewhere: Callable[[str], Awaitable[list[JournalEntry]]] | None = None
        self.forgotten: Callable[[str], None] | None = None

    def record(self, token: str, entry: JournalEntry | Callable[[], JournalEntry]) -> None:
        kept = self._by_token.get(token)
        if kept is None:
            kept = self._by_token[token] = deque(maxlen=self.size)
        kept.append(entry)

    def entries(self, token: str, limit: int | None = None) -> list[JournalEntry]:
        """Newest first."""
        kept = self._by_token.get(token)
        if kept is None:
            return []
        for index, entry in enumerate(kept):
            if not isinstance(entry, JournalEntry):
                kept[index] = entry()
        newest_first = t.cast(list[JournalEntry], list(reversed(kept)))
        return newest_first[:limit] if limit is not None else newest_first

    async def gathered(self, token: str, limit: int | None = None) -> list[JournalEntry]:
        """Newest first, from every process serving the sandbox (this one alone without a shared
        store); the last `size` of them."""
        entries = self.entries(token)
        if self.elsewhere is not None:
            entries = sorted([*entries, *await self.elsewhere(token)], key=lambda e: e.at, reverse=True)
        kept = entries[: self.size]
        return kept[:limit] if limit is not None else kept

    def forget(self, token: str) -> None:
        self.forget_here(token)
        if self.forgotten is not None:
            self.forgotten(token)

    def forget_here(self, token: str) -> None:
        self._by_token.pop(token, None)


def plain_reason(problem: dict[str, Any]) -> str:
    """ "parameter 'limit': 'abc' is not of type 'integer'" — from a problem's field errors or detail."""
    errors = problem.get("errors") or []
    if errors:
        return "; ".join(f"{_where(str(e.get('field', '')))}: {e.get('message', '')}" for e in errors)
    return str(problem.get("detail") or problem.get("title") or "")


def _where(name: str) -> str:
    if name == "body":
        return "the request body"
    if name.startswith("body."):
        return f"body field '{name[5:]}'"
    if name == "Prefer":
        return "header 'Prefer'"
    if name == "request":
        return "the request"
    return f"parameter '{name}'"


@dataclass
class Seen:
    """What of an answer the journal keeps: its status and, for a problem, its body."""

    status: int | None = None
    problem: bool = False
    chunks: list[bytes] = field(default_factory=list)

    def note(self, message: Message) -> None:
        """Keep what the journal needs of one message of the answer."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
            content_type = dict(message.get("headers", [])).get(b"content-type", b"")
            self.problem = content_type.split(b";")[0].strip() == _PROBLEM_JSON
        elif (
            message["type"] == "http.response.body"
            and self.problem
            and sum(map(len, self.chunks)) < JournalRecorder.MAX_PROBLEM_BYTES
        ):
            self.chunks.append(message.get("body", b""))


class JournalRecorder:
    """Files an answered request under its sandbox (JournalMiddleware, and the direct path's fast
    lane, which stands in for it)."""

    MAX_PROBLEM_BYTES = 64 * 1024

    def __init__(self, journal: RequestJournal, sandboxes: SandboxRegistry, routes: RouteTable) -> None:
        self.journal = journal
        self.sandboxes = sandboxes
        self.routes = routes

    def finished(
        self, scope: Scope, seen: Seen, notes: RequestNotes, started: float, bearer: str | None = None
    ) -> None:
        """The request has been answered (or given up on): kept when its caller has a sandbox.
        `bearer`: its bearer token (asgi_tools.bearer_token), when the caller has read it already."""
        # Known only now for an API whose credential is in the body (callers.py).
        token = notes.caller or bearer or bearer_token(scope)
        if token is not None and self.sandboxes.by_token(token) is not None:
            self._record(token, scope, seen, notes, started)

    def answered(
        self, token: str, facts: tuple[str, str, bytes], request_id: str, status: int, started: float
    ) -> None:
        """A kept answer the HTTP protocol sent itself (direct/wire.py): filed as the fast lane
        files that read, for a sandbox the caller has."""
        self._file(token, facts, request_id, Seen(status=status), started, [], None)

    def _record(self, token: str, scope: Scope, seen: Seen, notes: RequestNotes, started: float) -> None:
        facts = (scope["method"], scope["path"], scope.get("query_string", b""))
        self._file(token, facts, current_request_id(), seen, started, notes.injected, notes.prefer)

    def _file(
        self,
        token: str,
        facts: tuple[str, str, bytes],
        request_id: str,
        seen: Seen,
        started: float,
        injected: list[str],
        prefer: str | None,
    ) -> None:
        duration_ms = (time.perf_counter() - started) * 1000
        # The facts are taken now; the entry (operation, reason, ...) is built when read.
        at = time.time()
        self.journal.record(
            token, lambda: self._entry(facts, at, request_id, seen, duration_ms, injected, prefer)
        )

    def _entry(
        self,
        facts: tuple[str, str, bytes],
        at: float,
        request_id: str,
        seen: Seen,
        duration_ms: float,
        injected: list[str],
        prefer: str | None,
    ) -> JournalEntry:
        method, path, query = facts
        problem: dict[str, Any] = {}
        if seen.problem:
            try:
                parsed = json.loads(b"".join(seen.chunks))
                problem = parsed if isinstance(parsed, dict) else {}
            except ValueError:
                problem = {}
        code = problem.get("code") if isinstance(problem.get("code"), str) else None
        if any(note.startswith(("error", "drop")) for note in injected):
            validation: Outcome = "not_checked"
        elif prefer is not None:  # the request was valid; the problem is the one it asked for
            validation = "passed"
        elif code in REJECTION_CODES:
            validation = "rejected"
        else:
            validation = "passed"
        errors = tuple(e for e in problem.get("errors", []) if isinstance(e, dict))
        return JournalEntry(
            request_id=request_id,
            at=datetime.fromtimestamp(at, UTC),
            method=method,
            path=path,
            query=query.decode("latin-1"),
            operation_id=self.routes.operation(method, path),
            status=seen.status,
            duration_ms=round(duration_ms, 3),
            validation=validation,
            problem_code=code,
            reason=plain_reason(problem) if validation == "rejected" or code else None,
            errors=errors,
            injected=tuple(injected),
            prefer=prefer,
        )


class JournalMiddleware:
    MAX_PROBLEM_BYTES = JournalRecorder.MAX_PROBLEM_BYTES

    def __init__(
        self, app: ASGIApp, journal: RequestJournal, sandboxes: SandboxRegistry, routes: RouteTable
    ) -> None:
        self.app = app
        self.journal = journal
        self.sandboxes = sandboxes
        self.recorder = JournalRecorder(journal, sandboxes, routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_control(scope):
            await self.app(scope, receive, send)
            return
        notes = start_notes()
        seen = Seen()
        started = time.perf_counter()

        async def watching(message: Message) -> None:
            seen.note(message)
            await send(message)

        try:
            await self.app(scope, receive, watching)
        finally:
            self.recorder.finished(scope, seen, notes, started)
