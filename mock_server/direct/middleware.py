"""Serve the requests the prepared operations are certain about; pass every other one to Connexion."""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import parse_qsl

from connexion.context import _receive, _scope
from connexion.jsonifier import Jsonifier
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import answer_for
from ..routes import template_pattern
from .plan import JSON, DirectOperation
from .respond import PlainAnswer, Responder

TokenInfo = Callable[[str], "Mapping[str, t.Any] | None"]
_JSON_BYTES = JSON.encode()


class _Router:
    """(method, path) -> operation and path values; a literal path wins over a template."""

    def __init__(self, operations: Iterable[DirectOperation]) -> None:
        self._literal: dict[tuple[str, str], DirectOperation] = {}
        self._templates: dict[str, list[tuple[re.Pattern[str], DirectOperation]]] = {}
        for operation in operations:
            if "{" not in operation.template:
                self._literal[(operation.method, operation.template)] = operation
            else:
                entry = (template_pattern(operation.template), operation)
                self._templates.setdefault(operation.method, []).append(entry)

    def find(self, method: str, path: str) -> tuple[DirectOperation, dict[str, str]] | None:
        operation = self._literal.get((method, path))
        if operation is not None:
            return operation, {}
        for pattern, candidate in self._templates.get(method, ()):
            match = pattern.match(path)
            if match:
                return candidate, match.groupdict()
        return None


class _Declined(Exception):
    """Connexion serves this request."""


class DirectPath:
    """The prepared operations, their router and the responder: what the direct path's middleware
    and the fast lane (fast_lane.py) share."""

    def __init__(
        self,
        operations: Iterable[DirectOperation],
        token_info: TokenInfo,
        jsonifier: Jsonifier,
        validator_map: dict[str, t.Any],
        validate_responses: bool,
    ) -> None:
        operations = list(operations)
        self.operations = operations
        self._router = _Router(operations)
        # A template that also matches a literal path of another method (PUT /vehicles/{reg} and
        # POST /vehicles/set-primary): Connexion's router decides those, not this one.
        self._shadowed = {operation.template for operation in operations if "{" not in operation.template}
        self._token_info = token_info
        self.responder = Responder(jsonifier, validator_map, validate_responses)

    def find(self, scope: Scope) -> tuple[DirectOperation, dict[str, str]] | None:
        """The operation a request is routed to here, with its path values; None: Connexion's."""
        if scope.get("root_path"):
            return None
        found = self._router.find(scope["method"], scope["path"])
        if found is None or (found[1] and scope["path"] in self._shadowed):
            return None
        return found

    def arguments_without_body(
        self,
        operation: DirectOperation,
        path_values: dict[str, str],
        scope: Scope,
        authorization: bytes | None,
    ) -> dict[str, t.Any] | None:
        """The handler's arguments for a request without a body to an operation that takes none,
        whose headers the caller has checked as `_plain_headers` does; None: declined."""
        if operation.reads_request or operation.body_defined:
            return None
        try:
            return self._bound(operation, path_values, scope, authorization)
        except _Declined:
            return None

    async def arguments(
        self,
        operation: DirectOperation,
        path_values: dict[str, str],
        scope: Scope,
        receive: Receive,
        messages: list[Message],
    ) -> dict[str, t.Any]:
        authorization, content_type, content_length = _plain_headers(scope, with_authorization=True)
        kwargs = self._bound(operation, path_values, scope, authorization)
        if operation.body_defined:
            body = await _json_body(content_type, content_length, receive, messages)
            if operation.body is None or not operation.body.validator.is_valid(body):
                raise _Declined
            if operation.body.kwarg is not None:
                kwargs[operation.body.kwarg] = body
        elif content_type is not None or (content_length is not None and content_length != b"0"):
            raise _Declined
        return kwargs

    def _bound(
        self,
        operation: DirectOperation,
        path_values: dict[str, str],
        scope: Scope,
        authorization: bytes | None,
    ) -> dict[str, t.Any]:
        """Path and query values converted and checked, and the caller; the body not yet."""
        kwargs = dict(operation.query_defaults)
        for name, text in path_values.items():
            parameter = operation.path.get(name)
            if parameter is None:
                raise _Declined
            ok, kwargs[parameter.kwarg] = parameter.convert(text)
            if not ok:
                raise _Declined
        self._bind_query(operation, scope, kwargs)
        if operation.secured:
            user, token_info = self._authenticate(authorization)
            if operation.passes_context("user"):
                kwargs["user"] = user
            if operation.passes_context("token_info"):
                kwargs["token_info"] = token_info
        return kwargs

    @staticmethod
    def _bind_query(operation: DirectOperation, scope: Scope, kwargs: dict[str, t.Any]) -> None:
        query_string = scope.get("query_string", b"")
        if not query_string:
            missing = [p for p in operation.query.values() if p.required]
            if missing:
                raise _Declined
            return
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        seen = set()
        for name, text in pairs:
            parameter = operation.query.get(name)
            if parameter is None or name in seen:
                raise _Declined
            seen.add(name)
            ok, value = parameter.convert(text)
            if not ok:
                raise _Declined
            if parameter.kwarg in operation.arguments:
                kwargs[parameter.kwarg] = value
        if any(p.required and p.name not in seen for p in operation.query.values()):
            raise _Declined

    def _authenticate(self, authorization: bytes | None) -> tuple[t.Any, t.Any]:
        if authorization is None:
            raise _Declined
        parts = authorization.decode("latin-1").split(maxsplit=1)
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise _Declined
        token_info = self._token_info(parts[1])
        if token_info is None:
            raise _Declined
        return token_info.get("sub", token_info.get("uid")), token_info


class DirectPathMiddleware:
    def __init__(self, app: ASGIApp, direct: DirectPath) -> None:
        self.app = app
        self.direct = direct

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.direct.find(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        operation, path_values = found
        messages: list[Message] = []
        try:
            if operation.reads_request:
                _plain_form(operation, scope)
                kwargs: dict[str, t.Any] = {}
            else:
                kwargs = await self.direct.arguments(operation, path_values, scope, receive, messages)
        except _Declined:
            await self.app(scope, _replaying(messages, receive) if messages else receive, send)
            return
        # The handler may read `connexion.request`, as it may when Connexion calls it.
        _scope.set(scope)
        _receive.set(_replaying(messages, receive) if messages else receive)
        await serve(operation, kwargs, self.direct.responder, scope, receive, send)


async def serve(
    operation: DirectOperation,
    kwargs: dict[str, t.Any],
    responder: Responder,
    scope: Scope,
    receive: Receive,
    send: Send,
    keep: Callable[[PlainAnswer], None] | None = None,
) -> None:
    """The handler called and its answer sent, or the problem Connexion gives what it raised."""
    try:
        result = await operation.handler(**kwargs)
    except Exception as exc:
        await answer_for(exc)(scope, receive, send)
        return
    await responder.send(operation, result, scope, receive, send, keep)


def _plain_headers(
    scope: Scope, *, with_authorization: bool
) -> tuple[bytes | None, bytes | None, bytes | None]:
    """(Authorization, Content-Type, Content-Length) of a request, each sent at most once; a
    repeated one, a chunked body or a Prefer header is declined (Connexion's path answers those).
    Without `with_authorization` the handler reads the credential itself: it is not looked at."""
    authorization = content_type = content_length = None
    for key, value in scope["headers"]:
        if key == b"authorization" and with_authorization:
            if authorization is not None:
                raise _Declined
            authorization = value
        elif key == b"content-type":
            if content_type is not None:
                raise _Declined
            content_type = value
        elif key == b"content-length":
            if content_length is not None:
                raise _Declined
            content_length = value
        elif key in (b"transfer-encoding", b"prefer"):
            raise _Declined
    return authorization, content_type, content_length


def _plain_form(operation: DirectOperation, scope: Scope) -> None:
    """For a handler that reads the request itself: served directly only in the plain forms, a JSON
    body where the operation takes one and no body where it does not; any other form (which a pack
    may answer in its own way before the handler) is declined."""
    _, content_type, content_length = _plain_headers(scope, with_authorization=False)
    if operation.body_defined:
        if content_type != _JSON_BYTES or content_length is None or not content_length.isdigit():
            raise _Declined
    elif content_type is not None or content_length not in (None, b"0"):
        raise _Declined


async def _json_body(
    content_type: bytes | None, content_length: bytes | None, receive: Receive, messages: list[Message]
) -> t.Any:
    """The request's JSON body, read whole; every message read is kept to replay to Connexion."""
    if content_type != _JSON_BYTES or content_length is None or not content_length.isdigit():
        raise _Declined
    expected = int(content_length)
    if expected == 0:
        raise _Declined
    chunks = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            raise _Declined
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    raw = b"".join(chunks)
    if len(raw) != expected:
        raise _Declined
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError as exc:  # not UTF-8, or not JSON: Connexion words the 400
        raise _Declined from exc


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """A receive channel that gives back the messages already read, then the rest."""
    pending = iter(messages)

    async def replay() -> Message:
        for message in pending:
            return message
        return await receive()

    return replay
