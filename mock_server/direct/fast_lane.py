"""The fast lane: a GET the direct path serves, with the work of the middleware before it done in one
place.

Between the outermost HTTP layer and the direct path stand request ids, CORS, the journal, the body
reader, the caller lookup, the sandbox gate, persistence, fault injection and the 405 rule: each an
await and a wrapped `send`, together about half of a cheap GET's cost. For a request none of them
changes — a GET without a body, an `Origin` or a `Prefer` header, with one bearer token of a sandbox
that has no fault rules (and no global ones are set) and whose gate is open, on a path the 405 rule
allows and no caller credential or state-changing read belongs to — what they do is known: a request
id (the client's UUID or a new one), `Vary: Origin` and `X-Request-ID` on the answer, the sandbox's
turn at the gate, a journal entry, and the last-resort 500. The fast lane does exactly that around
the direct path's handler and responder, with one `send` wrapper; every other request goes through
the whole stack, untouched.

With a store several processes share, SharedStateMiddleware's part is done too, in its order: the
caller's sandbox is made the stored one first (its refresh; a 503 when the store cannot be
reached), and only then is the sandbox looked at; one the fast lane does not serve (deleted
elsewhere, fault rules loaded with it) goes on to the layers below SharedStateMiddleware, as it
would have. Its live events go out when the request ends.

What it stands in for it reads from those layers themselves when the stack is built (the journal's
recorder, the gate, the injector, persistence's packs, the callers' paths, the 405 routes, the
shared store's layer, the direct path), and it stands aside for good when the stack between it and
the direct path holds any other layer (planted faults): what it skips is exactly those layers.
"""

from __future__ import annotations

import logging
import sys
import time
import typing as t

from connexion.context import _receive, _scope
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..asgi_tools import start_notes
from ..callers import CallerMiddleware
from ..injection.middleware import FaultInjectionMiddleware
from ..journal import JournalMiddleware, Seen
from ..middleware import (
    CORSMiddleware,
    MethodNotAllowedMiddleware,
    RequestIdMiddleware,
    add_vary_origin,
    answer_unhandled,
    valid_uuid,
)
from ..packs.base import may_change_state
from ..persistence import PersistenceMiddleware
from ..problems import PROBLEM_JSON
from ..request_body import RequestBodyMiddleware, send_problem
from ..request_context import current_base_url, start_request, use_clock
from ..sandbox_gate import SandboxGateMiddleware
from ..store.sandbox import Sandbox
from .middleware import DirectPath, DirectPathMiddleware, serve
from .plan import DirectOperation
from .respond import PlainAnswer
from .reuse import AnswerCache, key_of
from .wire import WireAnswers, note_kept

_PROBLEM_JSON = PROBLEM_JSON.encode()
_REQUIRED = (
    RequestIdMiddleware,
    CORSMiddleware,
    JournalMiddleware,
    SandboxGateMiddleware,
    FaultInjectionMiddleware,
    MethodNotAllowedMiddleware,
)
# Layers that do nothing to a GET without a body that is served here (each checked per request).
_OPTIONAL = (RequestBodyMiddleware, CallerMiddleware, PersistenceMiddleware)
# Headers that send a request through the whole stack: a body, CORS, Prefer.
_DECLINING = frozenset({b"content-type", b"transfer-encoding", b"prefer", b"origin"})


class _Route(t.NamedTuple):
    """What the request's path and headers say, before its sandbox is looked at."""

    operation: DirectOperation
    path_values: dict[str, str]
    token: str
    authorization: bytes
    request_id: str | None


class _Served(t.NamedTuple):
    operation: DirectOperation
    kwargs: dict[str, t.Any]
    token: str
    sandbox: Sandbox
    version: int | None  # on a shared store, the stored version the sandbox is (else None)


class FastLaneMiddleware:
    def __init__(
        self, app: ASGIApp, answers: AnswerCache | None = None, wire: WireAnswers | None = None
    ) -> None:
        self.app = app
        self._answers = answers  # None: no answer is sent again (reuse.py)
        layers = _layers(app)
        self.on = layers is not None
        if layers is None:
            return
        self._direct: DirectPath = layers[DirectPathMiddleware].direct
        journal = layers[JournalMiddleware]
        self._recorder = journal.recorder
        self._sandboxes = journal.sandboxes
        self._gate = layers[SandboxGateMiddleware].gate
        self._injector = layers[FaultInjectionMiddleware].injector
        self._allowed = layers[MethodNotAllowedMiddleware]
        persistence = layers.get(PersistenceMiddleware)
        self._writing_packs = persistence.packs if persistence is not None else None
        callers = layers.get(CallerMiddleware)
        self._caller_paths = tuple(base + "/" for base, _ in callers.resolvers) if callers is not None else ()
        # With a store several processes share: its layer's refresh, then the rest as without it.
        # A kept answer is one of the stored version the refresh found (another process's change
        # is known only to it).
        self._shared = layers.get(_shared_state_layer())
        if self._shared is not None:
            self._writing_packs = self._shared.packs
        if wire is not None and self._answers is not None:
            # The HTTP protocol answers again, itself, a whole request answered here from what is
            # kept: with what this lane would read and check for it (wire.py); on a shared store
            # once the store's version check, which every read waits for, has said it may.
            wire.bind(
                self._answers,
                self._recorder,
                self._sandboxes,
                self._gate,
                self._injector,
                self._direct.responder.validate,
                shared=self._shared,
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = (
            self._route(scope) if self.on and scope["type"] == "http" and scope["method"] == "GET" else None
        )
        served = None
        if route is not None and self._shared is None:
            served = self._bound(route, scope)
            route = route if served is not None else None
        answers = self._answers
        if route is None:
            if answers is None or scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            answers.writing()  # anything else may change something
            try:
                await self.app(scope, receive, send)
            finally:
                answers.written()
            return
        request_id = start_request(valid_uuid(route.request_id), scope)  # RequestIdMiddleware
        id_header = request_id.encode("latin-1")
        notes = start_notes()  # JournalMiddleware
        seen = Seen()
        started = time.perf_counter()
        answering = False

        async def answer(message: Message) -> None:
            nonlocal answering
            # The journal, then CORS, then request ids, as the stack has them from inside out.
            seen.note(message)
            if message["type"] == "http.response.start":
                add_vary_origin(message)
                _set_request_id(message["headers"], id_header)
                answering = True
            await send(message)

        try:
            try:
                if served is not None:
                    await self._serve(served, request_id, scope, receive, answer)
                else:
                    await self._serve_shared(route, request_id, scope, receive, answer, lambda: answering)
            finally:
                self._recorder.finished(scope, seen, notes, started, route.token)
        except ClientDisconnect:
            return
        except Exception:

            async def with_id(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = list(message.get("headers", []))
                    _set_request_id(message["headers"], id_header)
                await send(message)

            await answer_unhandled(with_id, answering)

    async def _serve(
        self, served: _Served, request_id: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """The gate, the handler (or the kept answer) and the response check."""
        gate, token, answers = self._gate, served.token, self._answers
        await gate.enter(token)
        try:
            # The handler may read `connexion.request`, as it may when Connexion calls it.
            _scope.set(scope)
            _receive.set(receive)
            responder = self._direct.responder
            if answers is None:
                await serve(served.operation, served.kwargs, responder, scope, receive, send)
            elif served.operation.reuse is None:
                answers.writing()
                try:
                    await serve(served.operation, served.kwargs, responder, scope, receive, send)
                finally:
                    answers.written()
            else:
                await self._pure_read(answers, served, request_id, scope, receive, send)
        finally:
            gate.leave(token)

    async def _serve_shared(
        self,
        route: _Route,
        request_id: str,
        scope: Scope,
        receive: Receive,
        send: Send,
        answered: t.Callable[[], bool],
    ) -> None:
        """SharedStateMiddleware's work for a read: the caller's sandbox made the stored one (a 503
        when the store cannot be reached), then served here, or by the layers below it when the
        sandbox it found is not one the fast lane serves; its live events sent at the end."""
        import psycopg  # loaded with the shared store

        from ..shared_state import UNREACHABLE
        from ..store.postgres_state import StateStoreError

        shared = self._shared
        assert shared is not None
        try:
            await shared.refresh(route.token)
            try:
                served = self._bound(route, scope)
                if served is None:
                    await shared.app(scope, receive, send)
                else:
                    await self._serve(served, request_id, scope, receive, send)
            finally:
                shared.published(route.token)
        except (StateStoreError, psycopg.OperationalError) as error:
            if answered():
                raise
            logging.getLogger("mock_server.shared_state").warning("state database unreachable: %s", error)
            await send_problem(send, "SERVER_BUSY", UNREACHABLE, retry_after=1)

    async def _pure_read(
        self,
        answers: AnswerCache,
        served: _Served,
        request_id: str,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """The kept answer with a fresh request id and moment, or the handler's, kept for next time."""
        operation, responder = served.operation, self._direct.responder
        key = key_of(operation, served.token, served.kwargs, current_base_url(), served.version)
        if key is None:
            await serve(operation, served.kwargs, responder, scope, receive, send)
            return
        clock = served.sandbox.clock.now
        use_clock(clock)  # as the handler's sandbox_of does: meta tells its time
        kept = answers.answer(operation, key, request_id, clock, responder.validate)
        if kept is not None:  # sent as the responder sends a fresh one
            note_kept(scope, operation, key, served.token, request_id, kept.body)
            await send({"type": "http.response.start", "status": kept.status, "headers": kept.raw_headers})
            await send({"type": "http.response.body", "body": kept.body})
            return
        generation = answers.generation

        def keep(plain: PlainAnswer) -> None:
            if served.version != self._held_version(served.token):
                return  # another process's change was loaded meanwhile: this answer is of the last
            if answers.keep(operation, key, generation, plain, request_id):
                note_kept(scope, operation, key, served.token, request_id, plain.body)

        await serve(operation, served.kwargs, responder, scope, receive, send, keep)

    def _route(self, scope: Scope) -> _Route | None:
        """What the fast lane serves this request with, but its sandbox; None: the whole stack."""
        found = self._direct.find(scope)
        if found is None:
            return None
        operation, path_values = found
        path = scope["path"]
        if self._caller_paths and path.startswith(self._caller_paths):
            return None
        methods = self._allowed.methods(path)
        if methods is not None and "GET" not in methods:
            return None
        if self._writing_packs is not None and may_change_state(scope, self._writing_packs):
            return None
        authorization = content_length = request_id = None
        for key, value in scope["headers"]:
            if key == b"authorization":
                if authorization is not None:
                    return None
                authorization = value
            elif key == b"x-request-id":
                if request_id is None:
                    request_id = value.decode("latin-1")
            elif key == b"content-length":
                if content_length is not None:
                    return None
                content_length = value
            elif key in _DECLINING:
                return None
        if authorization is None or content_length not in (None, b"0"):
            return None
        token = _one_bearer_token(authorization)
        if token is None:
            return None
        return _Route(operation, path_values, token, authorization, request_id)

    def _bound(self, route: _Route, scope: Scope) -> _Served | None:
        """The handler's arguments, when the caller's sandbox is one the fast lane serves."""
        sandbox = self._sandboxes.by_token(route.token)
        if (
            sandbox is None
            or sandbox.extras.fault_rules
            or self._injector.global_rules
            or not self._gate.is_open(route.token)
        ):
            return None
        kwargs = self._direct.arguments_without_body(
            route.operation, route.path_values, scope, route.authorization
        )
        if kwargs is None:
            return None
        return _Served(route.operation, kwargs, route.token, sandbox, self._held_version(route.token))

    def _held_version(self, token: str) -> int | None:
        return None if self._shared is None else self._shared.state.held_version(token)


def _one_bearer_token(authorization: bytes) -> str | None:
    """The token, when the journal, the gate and the direct path all read the same one from it."""
    value = authorization.decode("latin-1")
    scheme, _, rest = value.partition(" ")  # asgi_tools.bearer_token
    token = rest.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    parts = value.split(maxsplit=1)  # the direct path's reading
    return token if len(parts) == 2 and parts[1] == token else None


def _set_request_id(headers: list[tuple[bytes, bytes]], value: bytes) -> None:
    """`MutableHeaders(scope=message)["X-Request-ID"] = value`: the first one set, any others removed,
    or added at the end."""
    found = [index for index, (key, _) in enumerate(headers) if key == b"x-request-id"]
    for index in reversed(found[1:]):
        del headers[index]
    if found:
        headers[found[0]] = (b"x-request-id", value)
    else:
        headers.append((b"x-request-id", value))


def _layers(app: ASGIApp) -> dict[type, t.Any] | None:
    """The layers between here and the direct path by class, when each is one the fast lane stands
    in for (and those it needs are there); else None."""
    layers: dict[type, t.Any] = {}
    layer: t.Any = app
    while not isinstance(layer, DirectPathMiddleware):
        kind = type(layer)
        if kind not in (*_REQUIRED, *_OPTIONAL, _shared_state_layer()) or kind in layers:
            return None
        layers[kind] = layer
        layer = getattr(layer, "app", None)
        if layer is None:
            return None
    layers[DirectPathMiddleware] = layer
    if any(kind not in layers for kind in _REQUIRED):
        return None
    return layers


def _shared_state_layer() -> type | None:
    """SharedStateMiddleware, when its module is loaded (it is, wherever one is in a stack)."""
    module = sys.modules.get("mock_server.shared_state")
    return getattr(module, "SharedStateMiddleware", None)
