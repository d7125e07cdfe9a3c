"""The Trimble API's one error shape, `{"error": {"message", "code", "reason", "fields"?}}`.

The engine answers refusals in problem+json wherever they arise (request validation, bearer
security, unknown paths and methods, body limits, the last-resort 500). Under the pack's base path
`TrimbleErrorsMiddleware` turns every such answer into this shape, keeping status and headers, so
a Trimble client never sees problem+json. Injected faults take the same shape (`error_answer`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...fast_json import compact_json

JSON = "application/json"
PROBLEM_JSON = b"application/problem+json"

# HTTP status -> the stable code the spec's table documents.
CODES = {400: -1, 401: -3, 403: -3, 404: -4, 405: -5, 406: -6, 408: -6, 413: -6, 415: -6}


def code_for(status: int) -> int:
    return CODES.get(status, -9 if status >= 429 else -1)


def _words(message: str) -> str:
    """The character rule named, not the regular expression that states it."""
    return _PATTERN.sub("has characters outside A-Za-z0-9-_=+*#! .,()`~?", message)


_PATTERN = re.compile(r"does not match '\^\[A-Za-z0-9[^']*'")


def error_body(status: int, reason: str, message: str, fields: list[dict[str, str]] | None = None) -> bytes:
    error: dict[str, Any] = {"message": _words(message), "code": code_for(status), "reason": reason}
    if fields:
        error["fields"] = [
            {"field": str(f.get("field", "")), "message": _words(str(f.get("message", "")))} for f in fields
        ]
    return compact_json({"error": error}).encode()


def error_answer(status: int, reason: str, detail: str) -> tuple[bytes, str]:
    """An injected fault's answer in this API's shape (the engine's FaultInjectionMiddleware asks)."""
    return error_body(status, reason, detail), JSON


def from_problem(status: int, raw: bytes) -> bytes:
    try:
        problem = json.loads(raw)
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    reason = str(problem.get("code") or "INTERNAL_ERROR")
    message = str(problem.get("detail") or problem.get("title") or "The request was refused.")
    fields = problem.get("errors") if isinstance(problem.get("errors"), list) else None
    return error_body(status, reason, message, [f for f in fields or [] if isinstance(f, dict)])


class TrimbleErrorsMiddleware:
    """Outside everything else on the pack's paths: problem+json answers become Trimble errors."""

    def __init__(self, app: ASGIApp, base_path: str, keep_problems_for: frozenset[int] = frozenset()) -> None:
        self.app = app
        self.prefix = base_path.rstrip("/")
        # A planted fault leaves these statuses in problem+json (faults.py).
        self.keep_problems_for = keep_problems_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        chunks: list[bytes] = []

        async def converting(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                content_type = next(
                    (v for k, v in message.get("headers", []) if k.lower() == b"content-type"), b""
                )
                if content_type.startswith(PROBLEM_JSON) and message["status"] not in self.keep_problems_for:
                    held = message
                    return
            elif message["type"] == "http.response.body" and held is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = from_problem(held["status"], b"".join(chunks))
                headers = [
                    (k, v)
                    for k, v in held.get("headers", [])
                    if k.lower() not in (b"content-type", b"content-length")
                ]
                headers += [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode())]
                await send({**held, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, converting)
