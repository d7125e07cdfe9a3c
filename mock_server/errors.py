"""Turns every exception that escapes a handler into problem+json with a stable code."""

from __future__ import annotations

import logging
import re

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from .domain.errors import DomainError
from .problems import CATALOGUE, CODE_FOR_STATUS, PROBLEM_JSON, encode, problem_body, problem_headers
from .validation import RequestRejected

log = logging.getLogger(__name__)
# Connexion writes some lists into its details as Python reprs: "expected ['application/json', ...]".
_LIST_REPR = re.compile(r"\[('[^'\[\]]*'(?:, '[^'\[\]]*')*)\]")


def _response(
    code: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    extra_headers: dict[str, str] | None = None,
    retry_after: int | None = None,
) -> ConnexionResponse:
    headers = {**problem_headers(code, retry_after), **(extra_headers or {})}
    return ConnexionResponse(
        status_code=CATALOGUE[code].status,
        mimetype=PROBLEM_JSON,
        content_type=PROBLEM_JSON,
        body=encode(problem_body(code, detail, errors=errors)),
        headers=headers,
    )


def _rejected(_request: ConnexionRequest, exc: RequestRejected) -> ConnexionResponse:
    return _response(exc.code, exc.detail or exc.title, exc.errors)


def _domain(_request: ConnexionRequest, exc: DomainError) -> ConnexionResponse:
    return _response(exc.code, exc.detail, retry_after=exc.retry_after)


def _problem(_request: ConnexionRequest, exc: ProblemException) -> ConnexionResponse:
    code = CODE_FOR_STATUS.get(exc.status)
    if code is None:
        log.error("unexpected problem %r", exc)
        return _response("INTERNAL_ERROR", "The server could not answer this request.")
    detail = _LIST_REPR.sub(lambda m: m.group(1).replace("'", ""), str(exc.detail or exc.title))
    errors = [{"field": "request", "message": detail}] if code == "VALIDATION_FAILED" else None
    return _response(code, detail, errors)


def _http(_request: ConnexionRequest, exc: HTTPException) -> ConnexionResponse:
    code = CODE_FOR_STATUS.get(exc.status_code, "INTERNAL_ERROR")
    headers = dict(exc.headers or {})
    return _response(
        code, str(exc.detail), extra_headers={k: v for k, v in headers.items() if k.lower() == "allow"}
    )


def _gone(_request: ConnexionRequest, _exc: ClientDisconnect) -> ConnexionResponse:
    # The client went away: nobody reads this answer, and nothing went wrong here.
    return _response("VALIDATION_FAILED", "The client disconnected before its request was complete.")


def _unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    log.exception("unhandled error", exc_info=exc)
    return _response("INTERNAL_ERROR", "The server could not answer this request.")


_HANDLERS = {
    RequestRejected: _rejected,
    DomainError: _domain,
    ProblemException: _problem,
    HTTPException: _http,
    ClientDisconnect: _gone,
    Exception: _unexpected,
}


def register_error_handlers(app: AsyncApp) -> None:
    for exception_class, handler in _HANDLERS.items():
        app.add_error_handler(exception_class, handler)


def answer_for(exc: Exception) -> Response:
    """The answer Connexion's exception handling gives `exc` with the handlers above: the most
    specific class wins, and the problem becomes a Starlette response the same way."""
    handler = next(_HANDLERS[cls] for cls in type(exc).__mro__ if cls in _HANDLERS)
    problem = handler(None, exc)  # type: ignore[operator]  # the handlers never read the request
    return Response(
        content=problem.body,
        status_code=problem.status_code,
        media_type=problem.mimetype,
        headers=problem.headers,
    )
