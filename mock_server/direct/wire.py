"""Kept answers written at the wire: a pure read answered again by the HTTP protocol itself.

Once an answer is kept (`reuse.py`), what a repeated read still costs is mostly the HTTP server's
request cycle (a scope, a task, the ASGI messages) and the layers above the fast lane. A request
that is, byte for byte, one answered before from the kept answers — the same request line and the
same headers but X-Request-ID, on the same server and scheme — asks what that one asked: the fast
lane's decisions and the handler's arguments are functions of exactly those bytes, and the answer
of the sandbox's state, whose every change moves the cache's generation. So once a request's head
is parsed, the protocol (`server.py`) asks `WireAnswers.answer`; when the request was learned and
its kept answer may still be sent — nothing changed since, the caller's sandbox still exists, has
no fault rules (nor are global ones set) and its gate is open — it gets the whole HTTP response: the
status line, the server's own headers, the headers the first answer had in their order with this
request's id and length, and the kept data with a new meta (the sandbox's clock), checked on its
own as the fast lane checks it. The journal's entry is filed as the fast lane files it.

What it learns: the fast lane notes in the scope's state a read it answered from, or into, the kept
answers (`note_kept`); the protocol captures what the whole app sent for that request, and when the
body is the one the fast lane sent (no layer above changed it) and the headers hold that request id
and the body's length once each, the request is learned (`AnswerCache.learn`), and forgotten with
the kept answers as soon as anything else runs.
"""

from __future__ import annotations

import time
import typing as t
from dataclasses import dataclass

from ..injection.injector import FaultInjector
from ..journal import JournalRecorder
from ..middleware import valid_uuid
from ..request_context import new_request_id
from ..sandbox_gate import SandboxGate
from ..store.sandbox import SandboxRegistry
from .plan import DirectOperation
from .reuse import AnswerCache, Clock, Key, key_version

if t.TYPE_CHECKING:
    from ..shared_state import Told

NOTE = "minbil.kept_answer"  # the key of the fast lane's note in the scope's state
_ID, _LENGTH = 0, 1  # the holes in a learned answer's headers

Headers = list[tuple[bytes, bytes]]
# The whole request as the wire knows it: the request target, the server's address and scheme,
# and the headers in order but X-Request-ID.
WireRequest = tuple[bytes, t.Any, str, tuple[tuple[bytes, bytes], ...]]


class _Note(t.NamedTuple):
    operation: DirectOperation
    key: Key
    token: str
    request_id: str
    body: bytes


@dataclass(frozen=True, slots=True)
class _Wired:
    operation: DirectOperation
    key: Key
    token: str
    status_line: bytes
    status: int
    parts: tuple[bytes | int, ...]  # header lines, and the holes for the request id and length
    facts: tuple[str, str, bytes]  # method, path and query string, for the journal


def one_get_head(data: bytes) -> bool:
    """`data` is a GET's head and nothing else: read again, it is that request alone."""
    return data.startswith(b"GET ") and data.endswith(b"\r\n\r\n") and data.count(b"\r\n\r\n") == 1


def note_kept(
    scope: dict[str, t.Any], operation: DirectOperation, key: Key, token: str, request_id: str, body: bytes
) -> None:
    """The fast lane answers this request from, or into, the kept answers, with this body."""
    state = scope.get("state")
    if isinstance(state, dict):
        state[NOTE] = _Note(operation, key, token, request_id, body)


class WireAnswers:
    """Bound by the fast lane when it keeps answers; on a store several processes share, its answers
    wait for the store's version check (`answer_later`, `answer_checked`)."""

    def __init__(self) -> None:
        self._answers: AnswerCache | None = None
        self._shared: t.Any = None  # SharedStateMiddleware, on a store several processes share
        # What the last read told a version check shared with the others of its batch: (the kept
        # answer, the stored version, the batch, the cache's generation), the moment and the clock.
        self._told: tuple[t.Any, str | None, Clock | None] | None = None

    def bind(
        self,
        answers: AnswerCache,
        recorder: JournalRecorder,
        sandboxes: SandboxRegistry,
        gate: SandboxGate,
        injector: FaultInjector,
        validate: bool,
        shared: t.Any = None,
    ) -> None:
        self._answers, self._recorder, self._sandboxes = answers, recorder, sandboxes
        self._gate, self._injector, self._validate = gate, injector, validate
        self._shared = shared

    @property
    def on(self) -> bool:
        return self._answers is not None

    @property
    def shared(self) -> bool:
        """On a store several processes share: an answer waits for the store's version check."""
        return self._shared is not None

    @staticmethod
    def request(url: bytes, headers: Headers, server: t.Any, scheme: str) -> tuple[WireRequest, bytes | None]:
        """The request as the wire keys it, and its first X-Request-ID."""
        request_id = None
        rest = []
        for header in headers:
            if header[0] == b"x-request-id":
                if request_id is None:
                    request_id = header[1]
            else:
                rest.append(header)
        return (url, server, scheme, tuple(rest)), request_id

    def remember_bytes(self, data: bytes, server: t.Any, scheme: str, request: WireRequest) -> None:
        """`data`, a read just answered as `request`, is that request alone: the same bytes read
        again are the same request (`request_of`). Only a GET's head with nothing after it."""
        answers = self._answers
        if answers is not None and one_get_head(data):
            answers.learn_alias((data, server, scheme), request)

    def request_of(self, data: bytes, server: t.Any, scheme: str) -> WireRequest | None:
        """The request whose bytes `data` are, when remembered and its answer may be sent."""
        answers = self._answers
        return None if answers is None else answers.alias((data, server, scheme))

    def answer(self, request: WireRequest, client_id: bytes | None, server_headers: Headers) -> bytes | None:
        """The whole HTTP response to `request`, when it was learned and may be answered now (never
        on a store several processes share: there, `answer_later`)."""
        answers = self._answers
        if answers is None or self._shared is not None:
            return None
        wired: _Wired | None = answers.wired(request)
        return None if wired is None else self._made(wired, client_id, server_headers)

    def answer_later(self, request: WireRequest, told: Told) -> bool:
        """On a store several processes share, when the wire knows `request`: `told` gets the stored
        version of its sandbox from a query sent from now on (or the error) — the version check
        every read waits for there, so a change another process acknowledged before is seen — and
        then asks `answer_checked`. False (and `told` is not called): not a request the wire knows."""
        answers, shared = self._answers, self._shared
        wired: _Wired | None = answers.wired(request) if answers is not None and shared is not None else None
        if wired is None:
            return False
        shared.versions.then(wired.token, told)
        return True

    def answer_checked(
        self,
        request: WireRequest,
        stored: int | BaseException | None,
        server_headers: Headers,
        client_id: bytes | None = None,
    ) -> bytes | None:
        """The whole HTTP response to `request`, told its sandbox's stored version (`answer_later`),
        when its kept answer is of that version and so is this process's sandbox; else None (then it
        takes the request cycle, which refreshes, or answers 503 when the check failed).

        The reads one query answers are told one after another, with nothing run between them: what
        they share — the versions, the sandbox and its rules, the moment and its check — is looked
        at once for those of one kept answer, and each gets its own request id, body and entry."""
        answers, shared = self._answers, self._shared
        wired: _Wired | None = answers.wired(request) if answers is not None and shared is not None else None
        if wired is None or type(stored) is not int:
            return None
        told = (wired.key, stored, shared.versions.batches_told, answers.generation)
        if self._told is None or self._told[0] != told:
            self._told = (told, *self._checked_moment(wired, stored))
        _, moment, clock = self._told
        return None if moment is None else self._written(wired, client_id, server_headers, clock, moment)

    def _checked_moment(self, wired: _Wired, stored: int) -> tuple[str | None, Clock | None]:
        """The moment to answer `wired` at (and its sandbox's clock), when it may be answered at
        that stored version; (None, None) when not."""
        answers, shared, token = self._answers, self._shared, wired.token
        assert answers is not None and shared is not None
        if not stored == key_version(wired.key) == shared.state.held_version(token):
            return None, None
        sandbox = self._open_sandbox(token)
        if sandbox is None:
            return None, None
        shared.state.touch(token)  # as the refresh does: idle expiry asks it
        clock = sandbox.clock.now
        return answers.checked_moment(wired.operation, wired.key, clock, self._validate), clock

    def _open_sandbox(self, token: str) -> t.Any:
        """The sandbox of `token`, when a kept answer may be sent for it: it exists (counted as a
        use, as the fast lane counts it), no fault rule applies and its gate is open."""
        sandbox = self._sandboxes.by_token(token)
        if (
            sandbox is None
            or sandbox.extras.fault_rules
            or self._injector.global_rules
            or not self._gate.is_open(token)
        ):
            return None
        return sandbox

    def _made(self, wired: _Wired, client_id: bytes | None, server_headers: Headers) -> bytes | None:
        sandbox = self._open_sandbox(wired.token)
        return None if sandbox is None else self._written(wired, client_id, server_headers, sandbox.clock.now)

    def _written(
        self,
        wired: _Wired,
        client_id: bytes | None,
        server_headers: Headers,
        clock: Clock | None,
        moment: str | None = None,
    ) -> bytes | None:
        """The whole response, at `moment` (checked already) or at the sandbox's `clock`."""
        answers = self._answers
        assert answers is not None
        started = time.perf_counter()
        request_id = (
            valid_uuid(client_id.decode("latin-1")) if client_id is not None else None
        ) or new_request_id()
        body = answers.body(wired.operation, wired.key, request_id, clock, self._validate, moment)
        if body is None:
            return None
        holes = (request_id.encode("latin-1"), str(len(body)).encode("latin-1"))
        out = [wired.status_line]
        for name, value in server_headers:
            out += (name, b": ", value, b"\r\n")
        out += (holes[part] if type(part) is int else part for part in wired.parts)
        out += (b"\r\n", body)
        self._recorder.answered(wired.token, wired.facts, request_id, wired.status, started)
        return b"".join(out)

    def learn(
        self,
        request: WireRequest,
        note: t.Any,
        status_line: bytes,
        start: t.Mapping[str, t.Any],
        body: bytes,
        facts: tuple[str, str, bytes],
    ) -> bool:
        """What the whole app sent for `request` (its start message and body), when the fast lane
        noted it answered it from the kept answers; True when learned."""
        answers = self._answers
        if answers is None or not isinstance(note, _Note) or body != note.body:
            return False
        parts: list[bytes | int] = []
        holes = {_ID: 0, _LENGTH: 0}
        for name, value in start.get("headers", ()):
            name = name.lower()
            if name == b"x-request-id" and value == note.request_id.encode("latin-1"):
                parts += (b"x-request-id: ", _ID, b"\r\n")
                holes[_ID] += 1
            elif name == b"content-length" and value == str(len(body)).encode("latin-1"):
                parts += (b"content-length: ", _LENGTH, b"\r\n")
                holes[_LENGTH] += 1
            elif name in (b"x-request-id", b"content-length", b"connection", b"transfer-encoding"):
                return False  # not an answer the wire can make again as it went out
            else:
                parts.append(name + b": " + value + b"\r\n")
        if holes != {_ID: 1, _LENGTH: 1}:
            return False
        wired = _Wired(
            operation=note.operation,
            key=note.key,
            token=note.token,
            status_line=status_line,
            status=start["status"],
            parts=tuple(_joined(parts)),
            facts=facts,
        )
        return answers.learn(request, note.key, wired)


def _joined(parts: list[bytes | int]) -> t.Iterator[bytes | int]:
    """Adjacent header lines as one."""
    literal = b""
    for part in parts:
        if type(part) is int:
            if literal:
                yield literal
                literal = b""
            yield part
        else:
            literal += t.cast(bytes, part)
    if literal:
        yield literal
