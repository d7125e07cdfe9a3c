"""The request being served (its id, its base URL), set by middleware and read wherever a body is built."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import URL
from starlette.requests import Request

from minbil_docs.origin import request_origin

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# The clock of the sandbox being served, so meta.generated_at tells the sandbox's time.
_clock: ContextVar[Callable[[], datetime] | None] = ContextVar("sandbox_clock", default=None)
# The ASGI scope as the server gave it, so handlers can build absolute URLs on any serving path.
_scope: ContextVar[dict[str, Any] | None] = ContextVar("request_scope", default=None)


# Random bytes for request ids, read from the system 256 ids at a time (a read per id was a few
# per cent of a cheap request); a forked worker starts with none, so no two processes share them.
_RANDOM_BATCH = 16 * 256
_random = bytearray()


def _forget_random() -> None:
    _random.clear()


os.register_at_fork(after_in_child=_forget_random)


def new_request_id() -> str:
    """A random (version 4) UUID as text: what str(uuid.uuid4()) gives, without its UUID object
    and formatting, which were a few per cent of a cheap request."""
    if not _random:
        _random.extend(os.urandom(_RANDOM_BATCH))
    raw = _random[-16:]
    del _random[-16:]
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def current_request_id() -> str:
    request_id = _request_id.get()
    if request_id is None:
        request_id = new_request_id()
        _request_id.set(request_id)
    return request_id


def start_request(request_id: str | None = None, scope: dict[str, Any] | None = None) -> str:
    value = request_id or new_request_id()
    _request_id.set(value)
    _clock.set(None)
    _scope.set(scope)
    return value


# Base URL by what it is made of (scheme, server, root path, Host header): the same few on every
# request, and Starlette's URL building cost more than the rest of a vehicle list's handler.
_base_urls: dict[tuple[Any, ...], str] = {}
_MAX_BASE_URLS = 256  # Host headers are the client's: keep only so many


def current_base_url() -> str:
    """The server's base URL as this request reached it ("http://localhost:5000/")."""
    scope = _scope.get()
    if scope is None:
        raise LookupError("no request is being served")
    host = next((value for key, value in scope["headers"] if key == b"host"), None)
    server = scope.get("server")
    key = (
        scope.get("scheme", "http"),
        tuple(server) if server is not None else None,
        scope.get("app_root_path", scope.get("root_path", "")),
        host,
    )
    url = _base_urls.get(key)
    if url is None:
        url = str(Request(scope).base_url)
        if len(_base_urls) >= _MAX_BASE_URLS:
            _base_urls.clear()
        _base_urls[key] = url
    return url


def current_url() -> URL:
    """The URL this request asked for, as the server received it (query string included)."""
    scope = _scope.get()
    if scope is None:
        raise LookupError("no request is being served")
    return URL(scope=scope)


def current_origin() -> str:
    """`scheme://host[:port]` the client reached the server at (behind a proxy too)."""
    scope = _scope.get()
    if scope is None:
        raise LookupError("no request is being served")
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    return request_origin(scope.get("scheme", "http"), headers)


def current_header(name: bytes) -> str | None:
    """A header of the request being served (`name` in lower case), or None."""
    scope = _scope.get()
    if scope is None:
        return None
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def use_clock(now: Callable[[], datetime]) -> None:
    """Serve this request on a sandbox's clock."""
    _clock.set(now)


def current_time() -> datetime:
    """Now on the served sandbox's clock, or on the real one when no sandbox is known."""
    now = _clock.get()
    return now() if now is not None else datetime.now(UTC)
