"""ASGI middleware placed before Connexion's exception handling, so error responses get it too."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import CATALOGUE, encode, problem_body, problem_headers
from .request_context import start_request
from .routes import HTTP_METHODS, template_pattern

log = logging.getLogger(__name__)


class RequestIdMiddleware:
    """Every response carries X-Request-ID; a client's own UUID is kept, anything else replaced.

    Outermost of the mock's middleware, it is also the last resort: an exception that escaped
    everything inside (middleware outside Connexion's exception handling included) becomes the
    problem+json 500 with this request's id, not Starlette's plain-text page. A client that went
    away is no error at all."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = start_request(valid_uuid(_header(scope, b"x-request-id")), scope)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            return
        except Exception:
            await answer_unhandled(send_with_id, started)


async def answer_unhandled(send: Send, started: bool) -> None:
    """The last resort for an exception that escaped (`send` adds the request id): logged, and the
    problem+json 500 when no answer has started."""
    log.exception("unhandled error")
    if not started:  # otherwise the answer is cut short; the server closes the connection
        await _send_problem(send, "INTERNAL_ERROR", "The server could not answer this request.")


class CORSMiddleware(StarletteCORSMiddleware):
    """Starlette's CORS middleware, with a shorter way for a request without an `Origin` header
    (every request but a browser's cross-origin ones): Starlette then only adds `Vary: Origin` to
    the answer, which is done here on the raw headers with the same result."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(key == b"origin" for key, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return

        async def varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_vary_origin(message)
            await send(message)

        await self.app(scope, receive, varying)


def add_vary_origin(message: Message) -> None:
    """`headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])` on Starlette's
    MutableHeaders: one `vary` header, where the first was, listing the values before and Origin."""
    headers = message["headers"] = list(message.get("headers", []))
    if all(key != b"vary" for key, _ in headers):  # the common case
        headers.append((b"vary", b"Origin"))
        return
    found = [index for index, (key, _) in enumerate(headers) if key == b"vary"]
    value = b", ".join([*(headers[index][1] for index in found), b"Origin"])
    for index in reversed(found[1:]):
        del headers[index]
    if found:
        headers[found[0]] = (b"vary", value)
    else:
        headers.append((b"vary", value))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def valid_uuid(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[str]
    methods: frozenset[str]


def routes_of(spec: dict, base_path: str = "") -> list[tuple[str, frozenset[str]]]:
    """(path template, upper-case methods) for every path of an OpenAPI document."""
    return [
        (base_path + path, frozenset(m.upper() for m in item if m in HTTP_METHODS))
        for path, item in spec.get("paths", {}).items()
    ]


class MethodNotAllowedMiddleware:
    """405 with a true `Allow` header, decided the way a reader of the spec would: a literal path
    (`/vehicles/set-primary`) wins over a template (`/vehicles/{reg}`) that also matches it."""

    def __init__(self, app: ASGIApp, routes: list[tuple[str, frozenset[str]]]) -> None:
        self.app = app
        self._literal: dict[str, frozenset[str]] = {}
        for path, methods in routes:
            if "{" not in path:
                self._literal.setdefault(path, methods)
        self._templates = [_Route(template_pattern(p), methods) for p, methods in routes if "{" in p]

    def methods(self, path: str) -> frozenset[str] | None:
        """The methods the spec has at `path`; None: no path of the spec."""
        methods = self._literal.get(path)
        if methods is None:
            route = next((r for r in self._templates if r.pattern.match(path)), None)
            methods = route.methods if route is not None else None
        return methods

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            methods = self.methods(scope["path"])
            if methods is not None and scope["method"] not in methods:
                await _send_problem(
                    send,
                    "METHOD_NOT_ALLOWED",
                    f"{scope['method']} is not allowed here.",
                    {"Allow": ", ".join(sorted(methods))},
                )
                return
        await self.app(scope, receive, send)


async def _send_problem(send: Send, code: str, detail: str, extra: dict[str, str] | None = None) -> None:
    body = encode(problem_body(code, detail))
    headers = {**problem_headers(code), **(extra or {})}
    raw_headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": CATALOGUE[code].status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
