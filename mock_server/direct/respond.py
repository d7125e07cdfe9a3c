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
        self, operation: DirectOperation, result: t.Any, scope: Scope, receive: Receive, send: Send
    ) -> None:
        try:
            built = self._plain(operation, result)
            if built is None:
                response, checked = self._as_connexion_builds(operation, result), False
            else:
                response, data = built
                checked = not self.validate or _passes(operation, response, data)
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

    def _plain(self, operation: DirectOperation, result: t.Any) -> tuple[Response, t.Any] | None:
        """(response, data) for a plain result whose content type is settled, or for a response
        whose body is JSON the engine encoded (fast_json.remember); else None."""
        if isinstance(result, ConnexionResponse):
            return _remembered(result)
        if isinstance(result, Response):
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
        text = self.jsonifier.dumps(data)
        response = Response(content=text, status_code=status or 200, media_type=content_type, headers=headers)
        return response, data

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


def _passes(operation: DirectOperation, response: Response, data: t.Any) -> bool:
    """True when Connexion's response validation certainly accepts this answer."""
    media_type = (response.media_type or "").split(";", 1)[0]
    check = operation.responses.get((response.status_code, media_type))
    if check is None:
        return False
    if check.required_headers and not check.required_headers <= {
        key.decode("latin-1") for key, _ in response.raw_headers
    }:
        return False
    if check.validator is None:
        return True
    try:
        return bool(check.validator.is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False
