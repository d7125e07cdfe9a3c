"""`Prefer` answers for the CarOwner API, as middleware at MiddlewarePosition.BEFORE_CONTEXT.

That point is after routing, security and request validation, and inside response validation: a
Prefer answer is only given to an authenticated, valid request, is checked against the spec like any
answer, and the handler is never called — so it changes no state. A preference that cannot be
honoured raises INVALID_PREFER_HEADER (400), which Connexion's exception handling turns into
problem+json.
"""

from __future__ import annotations

import copy
import random
from typing import Any
from urllib.parse import parse_qsl

from connexion.json_schema import Draft4ResponseValidator
from starlette.types import ASGIApp, Receive, Scope, Send

from ....asgi_tools import current_notes
from ....fast_json import compact_json
from ....problems import PROBLEM_TYPE_BASE
from ....request_context import current_request_id
from ....validation import RequestRejected
from .documented import Choice, DocumentedResponse, DocumentedResponses
from .dynamic import SchemaFaker
from .header import PreferError, parse_prefer
from .invariants import Asked, Unfit, keep_invariants

ATTEMPTS = 25


class PreferMiddleware:
    def __init__(self, app: ASGIApp, documented: DocumentedResponses, seed: int = 0) -> None:
        self.app = app
        self.documented = documented
        self.faker = SchemaFaker(random.Random(f"prefer:{seed}"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        values = [v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"prefer"]
        operation_id = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
        if scope["type"] != "http" or not values or operation_id not in self.documented:
            await self.app(scope, receive, send)
            return
        try:
            preference = parse_prefer(values)
            choice = None if preference.empty else self.documented.choose(operation_id, preference)
        except PreferError as error:
            raise RequestRejected(
                "INVALID_PREFER_HEADER", str(error), [{"field": "Prefer", "message": str(error)}]
            ) from error
        if choice is None:
            await self.app(scope, receive, send)
            return
        current_notes().prefer = preference.describe()
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        asked = Asked({**self.documented.query_defaults(operation_id), **dict(query)}, known=True)
        await self._answer(send, operation_id, choice, asked)

    async def _answer(self, send: Send, operation_id: str, choice: Choice, asked: Asked) -> None:
        response = choice.response
        headers = {name: _header_value(definition) for name, definition in response.headers.items()}
        headers["X-Request-ID"] = current_request_id()
        body = b""
        if response.content_type is not None:
            value = (
                copy.deepcopy(choice.example[1])
                if choice.example
                else self.generated(operation_id, response, asked)
            )
            body = _encode(_with_request_id(value, response.status))
            headers["Content-Type"] = response.content_type
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    def generated(self, operation_id: str, response: DocumentedResponse, asked: Asked | None = None) -> Any:
        """A body for `response` drawn from its schema, valid and, for a success, keeping the API's
        rules and agreeing with what was asked (invariants.py)."""
        if response.schema is None:
            return None
        validator = Draft4ResponseValidator(
            response.schema, format_checker=Draft4ResponseValidator.FORMAT_CHECKER
        )
        for _ in range(ATTEMPTS):
            # A copy: a schema's own example may come back as it is, and the rules change bodies in place.
            value = copy.deepcopy(self.faker.value(dict(response.schema)))
            if response.success:
                try:
                    value = keep_invariants(operation_id, value, self.faker.rng, asked)
                except Unfit:
                    continue
            value = _with_request_id(value, response.status)
            if validator.is_valid(value):
                return value
        # A schema the generator cannot satisfy: the documented example is still a valid answer.
        return copy.deepcopy(response.examples[0][1]) if response.examples else None


def _with_request_id(value: Any, status: int) -> Any:
    """The example's request id replaced by this request's, so body and X-Request-ID agree."""
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("meta"), dict) and "request_id" in value["meta"]:
        value["meta"]["request_id"] = current_request_id()
    if "code" in value and "request_id" in value:  # a problem
        value["request_id"] = current_request_id()
        value["status"] = status
        if isinstance(value["code"], str):
            value["type"] = PROBLEM_TYPE_BASE + value["code"].lower().replace("_", "-")
    return value


def _encode(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    return compact_json(value).encode("utf-8")


def _header_value(definition: Any) -> str:
    if "example" in definition:
        return str(definition["example"])
    schema = definition.get("schema", {})
    return str(schema.get("example", schema.get("minimum", "1")))
