"""A handler's result as the answer Connexion would send: serialised, checked, or the problem instead.

The common result — a dict or list, maybe with a status and headers, or a response whose JSON body
the engine encoded and remembered — is serialised and checked here with the prepared validators.
Anything else (another response object, an undocumented status, a body the compiled validator does
not accept) takes Connexion's own response code and validation, so what goes out, or the 500
problem in its place, is exactly what Connexion would send.
"""

from __future__ import annotations

import typing as t

from connexion.context import _operation
from connexion.decorators.response import AsyncResponseDecorator, BaseResponseDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.jsonifier import Jsonifier
from connexion.lifecycle import ConnexionResponse
from connexion.middleware.response_validation import ResponseValidationOperation
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..errors import answer_for
from ..fast_json import encoded_object
from .plan import DirectOperation

_unpack = BaseResponseDecorator._unpack_handler_response


class Responder:
    def __init__(self, jsonifier: Jsonifier, validator_map: dict[str, t.Any], validate: bool) -> None:
        self.jsonifier = jsonifier
        self.validator_map = validator_map
        self.validate = validate
        self._decorator = AsyncResponseDecorator(framework=StarletteFramework, jsonifier=jsonifier)

    async def send(
        self,
        operation: DirectOperation,
        result: t.Any,
        scope: Scope,
        receive: Receive,
        send: Send,
        keep: t.Callable[[PlainAnswer], None] | None = None,
    ) -> None:
        """`keep` is given the answer when it is a plain one the response check accepted (or
        validation is off), before it is sent."""
        try:
            plain = self._plain(operation, result)
            if plain is not None and (not self.validate or plain.passes(operation)):
                if keep is not None:
                    keep(plain)
                # What Starlette's Response sends for it, without building one.
                await send(
                    {"type": "http.response.start", "status": plain.status, "headers": plain.raw_headers}
                )
                await send({"type": "http.response.body", "body": plain.body})
                return
            if plain is not None:
                response, checked = plain.response(), False
            elif isinstance(result, ConnexionResponse) and (remembered := _remembered(result)) is not None:
                response, data = remembered
                checked = not self.validate or _passes(operation, response, data)
            else:
                response, checked = self._as_connexion_builds(operation, result), False
            if checked:
                await response(scope, receive, send)
            else:
                validation = ResponseValidationOperation(
                    response,
                    operation=operation.connexion,
                    validator_map=operation.validator_map or self.validator_map,
                )
                await validation(scope, receive, send)
        except Exception as exc:
            await answer_for(exc)(scope, receive, send)

    def _plain(self, operation: DirectOperation, result: t.Any) -> PlainAnswer | None:
        """The answer to a plain result (a dict or list, maybe with a status and headers) whose
        content type is settled; else None."""
        if isinstance(result, (ConnexionResponse, Response)):
            return None
        data, status, headers = _unpack(result)
        if (
            not isinstance(data, (dict, list))
            or not isinstance(headers, dict)
            or type(status) not in (int, type(None))
        ):
            return None
        content_type = next((value for key, value in headers.items() if key.lower() == "content-type"), None)
        if content_type is None:
            if len(operation.produces) != 1:
                return None
            content_type = headers["Content-Type"] = operation.produces[0]
        elif content_type not in operation.produces:
            return None
        return PlainAnswer(self.jsonifier.dumps(data), data, status or 200, content_type, headers)

    def _as_connexion_builds(self, operation: DirectOperation, result: t.Any) -> Response:
        """Connexion's own response building, with the operation it reads from its context."""
        token = _operation.set(operation.connexion)
        try:
            if StarletteFramework.is_framework_response(result):
                return t.cast(Response, result)
            if isinstance(result, ConnexionResponse):
                return t.cast(Response, StarletteFramework.connexion_to_framework_response(result))
            return t.cast(Response, self._decorator.build_framework_response(result))
        finally:
            _operation.reset(token)


def _remembered(result: ConnexionResponse) -> tuple[Response, t.Any] | None:
    """The response as Connexion builds it, with the object its body encodes when that is known."""
    if not isinstance(result.body, bytes):
        return None
    try:
        known, data = encoded_object(result.body.decode())
    except UnicodeDecodeError:
        return None
    if not known:
        return None
    return t.cast(Response, StarletteFramework.connexion_to_framework_response(result)), data


class PlainAnswer:
    """A JSON answer as Starlette's Response would send it (its raw headers built the same way)."""

    __slots__ = ("body", "content_type", "data", "headers", "raw_headers", "status", "text")

    def __init__(
        self, text: str, data: t.Any, status: int, content_type: str, headers: dict[str, str]
    ) -> None:
        self.text, self.data, self.status = text, data, status
        self.content_type, self.headers = content_type, headers
        self.body = text.encode("utf-8")
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        keys = [key for key, _ in raw]
        if b"content-length" not in keys and not (status < 200 or status in (204, 304)):
            raw.append((b"content-length", str(len(self.body)).encode("latin-1")))
        if b"content-type" not in keys:
            media = content_type
            if media.startswith("text/") and "charset=" not in media.lower():
                media += "; charset=utf-8"
            raw.append((b"content-type", media.encode("latin-1")))
        self.raw_headers = raw

    def response(self) -> Response:
        return Response(
            content=self.text, status_code=self.status, media_type=self.content_type, headers=self.headers
        )

    def passes(self, operation: DirectOperation) -> bool:
        """True when Connexion's response validation certainly accepts this answer."""
        return _accepted(operation, self.status, self.content_type, self.raw_headers, self.data)


def _passes(operation: DirectOperation, response: Response, data: t.Any) -> bool:
    return _accepted(operation, response.status_code, response.media_type, response.raw_headers, data)


def _accepted(
    operation: DirectOperation,
    status: int,
    media_type: str | None,
    raw_headers: list[tuple[bytes, bytes]],
    data: t.Any,
) -> bool:
    """True when Connexion's response validation certainly accepts this answer."""
    check = operation.responses.get((status, (media_type or "").split(";", 1)[0]))
    if check is None:
        return False
    if check.required_headers and not check.required_headers <= {
        key.decode("latin-1") for key, _ in raw_headers
    }:
        return False
    if check.validator is None:
        return True
    try:
        return bool(check.validator.is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False
