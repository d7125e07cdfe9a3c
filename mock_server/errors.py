"""Turns every exception that escapes a handler into problem+json with a stable code."""

from __future__ import annotations

import logging

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from .domain.errors import DomainError
from .problems import CATALOGUE, CODE_FOR_STATUS, PROBLEM_JSON, encode, problem_body, problem_headers
from .validation import RequestRejected

log = logging.getLogger(__name__)


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
    detail = str(exc.detail or exc.title)
    errors = [{"field": "request", "message": detail}] if code == "VALIDATION_FAILED" else None
    return _response(code, detail, errors)


def _http(_request: ConnexionRequest, exc: HTTPException) -> ConnexionResponse:
    code = CODE_FOR_STATUS.get(exc.status_code, "INTERNAL_ERROR")
    headers = dict(exc.headers or {})
    return _response(
        code, str(exc.detail), extra_headers={k: v for k, v in headers.items() if k.lower() == "allow"}
    )


def _unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    log.exception("unhandled error", exc_info=exc)
    return _response("INTERNAL_ERROR", "The server could not answer this request.")


def register_error_handlers(app: AsyncApp) -> None:
    app.add_error_handler(RequestRejected, _rejected)
    app.add_error_handler(DomainError, _domain)
    app.add_error_handler(ProblemException, _problem)
    app.add_error_handler(HTTPException, _http)
    app.add_error_handler(Exception, _unexpected)
