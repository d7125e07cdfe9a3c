"""Serve the pack's spec under /v2 with Connexion: every operation, POST or GET, goes to one handler
that reads the parameters itself, so that every refusal comes in Navixy's envelope.

Connexion's request validation would answer problem+json; for this API its parameter and body
validators are replaced by ones that let everything through, and the handler checks the
parameters against the same spec schemas (compiled, spec.py), in Navixy's order: the request must
parse (234), the hash must be well formed (3) and name a session (4), a sub-user must have the right
(11), the parameters must fit the schema (7). Response validation stays on. Since Connexion then
checks nothing before the handler, the engine's direct path serves the calls in plain form
(`mount` offers them, `reads_request`) with the same handler and the same answer checks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import connexion
from connexion.context import receive as served_receive
from connexion.context import scope as served_scope
from connexion.datastructures import MediaTypeDict
from connexion.lifecycle import ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from connexion.security import ApiKeySecurityHandler
from connexion.validators import ParameterValidator
from connexion.validators.abstract import AbstractRequestBodyValidator
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ...direct import DirectApi
from ...fast_json import compact_json, remember
from ...fast_validation import CompiledSchemas
from ...swagger_ui import swagger_ui_options
from ...validation import validator_map
from ..base import pack_state
from . import actions
from . import errors as e
from .errors import NavixyError
from .spec import SPEC_PATH, schema_errors, spec
from .spec import actions as spec_actions

if TYPE_CHECKING:
    from ...app import MockWorld
    from ...store.sandbox import Sandbox

BASE_PATH = "/v2"
HASH_HEX = frozenset("0123456789abcdef")
WRITES = frozenset({"vehicle/create", "vehicle/update", "vehicle/delete", "vehicle/batch_convert"})
CHANGES = frozenset({"vehicle/create", "vehicle/update", "vehicle/delete"})


# --- credentials: made from the sandbox token, so nothing is stored ---


def _derive(purpose: str, token: str, length: int) -> str:
    return hashlib.sha256(f"navixy-{purpose}:{token}".encode()).hexdigest()[:length]


def session_hash(token: str) -> str:
    return _derive("hash", token, 32)


def sub_user_hash(token: str) -> str:
    return _derive("sub-user-hash", token, 32)


def login_of(token: str) -> str:
    return f"fleet-{_derive('login', token, 8)}@navixy.mock"


def password_of(token: str) -> str:
    return _derive("password", token, 16)


def credentials(sandbox: Sandbox) -> dict[str, str]:
    token = sandbox.token
    return {
        "hash": session_hash(token),
        "sub_user_hash": sub_user_hash(token),
        "login": login_of(token),
        "password": password_of(token),
    }


def credential_values(sandbox: Sandbox) -> list[str]:
    return [session_hash(sandbox.token), sub_user_hash(sandbox.token), login_of(sandbox.token)]


def _well_formed(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 32 and set(value) <= HASH_HEX


def changes_state(scope: Scope) -> bool:
    """A read-method request that changes state: a vehicle action that does, sent as a GET."""
    return scope["path"].removeprefix(BASE_PATH + "/").rstrip("/") in CHANGES


def credential_in(scope: Scope, body: bytes) -> str | None:
    """The hash (or for user/auth, the login) a request names its sandbox by: a JSON body's, as the
    handler reads it, else the query's."""
    if body:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            value = parsed.get("hash", parsed.get("login"))
            if isinstance(value, str):
                return value
    for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1")):
        if name in ("hash", "login"):
            return value
    return None


# --- requests ---


def _query_value(kind: str, text: str, name: str) -> Any:
    if kind == "json":
        try:
            return json.loads(text)
        except ValueError:
            raise NavixyError(
                e.INVALID_DATA_FORMAT, errors=[{"parameter": name, "error": "not JSON text"}]
            ) from None
    if kind == "integer" and text.lstrip("-").isdigit():
        return int(text)
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


async def _parameters(request: Any, query_kinds: dict[str, str]) -> dict[str, Any]:
    """The call's parameters: those of the query (JSON-encoded arrays and objects decoded, numbers
    and booleans read as such), and for a POST those of its JSON body over them."""
    params: dict[str, Any] = {}
    for name, text in parse_qsl(
        request.scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True
    ):
        if name not in params:
            params[name] = _query_value(query_kinds.get(name, "string"), text, name)
    if request.method == "GET":
        return params
    raw = await request.body()
    if not raw.strip():
        return params
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise NavixyError(e.INVALID_DATA_FORMAT, "the body is not JSON") from None
    if not isinstance(parsed, dict):
        raise NavixyError(
            e.INVALID_PARAMETERS,
            "the body must be a JSON object",
            [{"parameter": "request", "error": "not an object"}],
        )
    return {**params, **parsed}


class _Handlers:
    def __init__(self, world: MockWorld) -> None:
        self.world = world
        self.faults = frozenset(world.settings.planted_faults)

    def _sandbox(self, params: dict[str, Any]) -> tuple[Sandbox, bool]:
        """The sandbox of the hash, and whether it is the sub-user's."""
        value = params.get("hash")
        if not _well_formed(value):
            raise NavixyError(e.WRONG_HASH)
        sandbox = self.world.sandboxes.by_credential(value)
        if sandbox is None or value == login_of(sandbox.token):
            raise NavixyError(e.WRONG_HASH if "navixy-ended-hash-code-3" in self.faults else e.SESSION_ENDED)
        return sandbox, value == sub_user_hash(sandbox.token)

    def _others(self, sandbox: Sandbox) -> Callable[[], list[Any]]:
        from . import PACK

        return lambda: [pack_state(s, PACK) for s in self.world.sandboxes if s is not sandbox]

    async def answer(self, operation_id: str) -> ConnexionResponse:
        from . import PACK

        action = spec_actions()[operation_id]
        # The request as Starlette reads it, made once: each attribute read through Connexion's
        # `request` proxy would build a new (and costlier) request object.
        request = Request(served_scope._get_current_object(), served_receive._get_current_object())
        try:
            params = await _parameters(request, action.query_kinds)
            if action.name == "user/auth":
                return _success(self._auth(action.body_schema, params))
            sandbox, sub_user = self._sandbox(params)
            if sub_user and action.name in WRITES and "navixy-sub-user-may-write" not in self.faults:
                raise NavixyError(e.ACCESS_DENIED, "the sub-user lacks the right vehicle_update")
            problems = schema_errors(action.body_schema, params)
            if request.method == "GET":  # a query has rules of its own too (a shorter batch)
                problems = problems or schema_errors(action.body_schema, params, query_of=operation_id)
            if problems:
                raise NavixyError(e.INVALID_PARAMETERS, errors=problems)
            state = pack_state(sandbox, PACK)
            verb = action.name.split("/", 1)[1]
            if verb == "read":
                result = actions.read(state, params, self._others(sandbox), self.faults)
            else:
                step = {
                    "create": actions.create,
                    "update": actions.update,
                    "delete": actions.delete,
                    "list": actions.listing,
                    "batch_convert": actions.batch_convert,
                }[verb]
                result = step(state, params, self.faults)
            return _success(result)
        except NavixyError as refusal:
            status = refusal.status
            if refusal.code == e.NOT_FOUND and "navixy-not-found-http-404" in self.faults:
                status = 404
            return _response(refusal.body(), status)

    def _auth(self, schema: str, params: dict[str, Any]) -> dict[str, Any]:
        problems = schema_errors(schema, params)
        if problems:
            raise NavixyError(e.INVALID_PARAMETERS, errors=problems)
        sandbox = self.world.sandboxes.by_credential(params["login"])
        if (
            sandbox is None
            or login_of(sandbox.token) != params["login"]
            or password_of(sandbox.token) != params["password"]
        ):
            raise NavixyError(e.WRONG_LOGIN)
        return {"hash": session_hash(sandbox.token)}


def _response(body: dict[str, Any], status: int) -> ConnexionResponse:
    text = compact_json(body)
    remember(text, body)  # response validation then checks this object, not the text parsed again
    return ConnexionResponse(
        status_code=status, mimetype="application/json", content_type="application/json", body=text.encode()
    )


def _success(result: dict[str, Any]) -> ConnexionResponse:
    return _response({"success": True, **result}, 200)


# --- Connexion's request validation, stood aside for this API ---


class _AnyParameters(ParameterValidator):
    def validate(self, scope: Scope) -> None:
        return None


class _AnyBody(AbstractRequestBodyValidator):
    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        return receive, scope

    def _validate(self, body: Any) -> dict | None:  # pragma: no cover - wrap_receive never parses
        return None


class _HashChecked(ApiKeySecurityHandler):
    """The session hash may come in the body too, so the handler checks it (3, 4), not Connexion."""

    def get_fn(self, security_scheme: Any, required_scopes: Any) -> Any:
        return lambda request: {"sub": "navixy"}


def _validators() -> dict[str, Any]:
    """Requests pass (the handler checks them, to answer in the envelope); answers are checked with
    the compiled schemas, as the engine's APIs are (Python's jsonschema costs ~2 ms a list page)."""
    return {
        "parameter": _AnyParameters,
        "body": MediaTypeDict({"*/*": _AnyBody}),
        "response": validator_map(CompiledSchemas())["response"],
    }


class MediaTypeMiddleware:
    """A POST of this API with a body that is not JSON answers 234 in the envelope (Connexion would
    answer 415 problem+json before the handler). A POST without a body has its parameters in the query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"].startswith(BASE_PATH + "/")
            and scope["method"] == "POST"
        ):
            headers = dict(scope["headers"])
            content_type = headers.get(b"content-type", b"application/json").lower()
            has_body = headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers
            if has_body and b"json" not in content_type:
                refusal = NavixyError(e.INVALID_DATA_FORMAT, "send the parameters as a JSON body")
                body = json.dumps(refusal.body(), ensure_ascii=False, separators=(",", ":")).encode()
                headers = [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
                await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            if not has_body and b"json" not in content_type:
                # No body, so its stated type says nothing (axios sends a form type): read as JSON.
                kept = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
                scope = {**scope, "headers": [*kept, (b"content-type", b"application/json")]}
        await self.app(scope, receive, send)


def mount(app: connexion.AsyncApp, world: MockWorld) -> DirectApi:
    handlers = _Handlers(world)
    table = {}
    for operation_id in spec_actions():

        async def handler(_operation_id: str = operation_id) -> ConnexionResponse:
            return await handlers.answer(_operation_id)

        table[operation_id] = handler
    validators = _validators()
    app.add_api(
        spec(),
        base_path=BASE_PATH,
        name="navixy",
        resolver=Resolver(function_resolver=table.__getitem__),
        validate_responses=world.settings.validate_responses,
        validator_map=validators,
        security_map={"apiKey": _HashChecked},
        swagger_ui_options=swagger_ui_options("Navixy vehicle API", BASE_PATH),
    )
    app.add_middleware(MediaTypeMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION)
    # Connexion checks nothing of a request before the handler, so the direct path serves every
    # call in the plain forms (a GET without a body, a POST with a JSON one); MediaTypeMiddleware's
    # cases and every other form stay with Connexion.
    specification = app.middleware.apis[-1].specification
    return DirectApi(
        specification, table.__getitem__, BASE_PATH, validator_map=validators, reads_request=True
    )


__all__ = ["SPEC_PATH", "credential_in", "credential_values", "credentials", "mount"]
