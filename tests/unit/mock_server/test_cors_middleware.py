"""The mock's CORS middleware answers exactly as Starlette's, with or without an Origin header."""

from __future__ import annotations

import asyncio
import typing as t

from hypothesis import given
from hypothesis import strategies as st
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware

from mock_server.middleware import CORSMiddleware

OPTIONS: dict[str, t.Any] = {
    "allow_origins": ["*"],
    "allow_methods": ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
    "allow_headers": ["*"],
    "expose_headers": ["X-Request-ID", "Retry-After", "Content-Disposition"],
    "max_age": 600,
}
HEADER = st.tuples(
    st.sampled_from([b"vary", b"content-type", b"x-request-id", b"Vary"]),
    st.sampled_from([b"Accept", b"Accept-Encoding, Cookie", b"application/json", b""]),
)


def _messages(
    middleware: type, method: str, request_headers: list[tuple[bytes, bytes]], answer: list[t.Any]
) -> list[t.Any]:
    async def inner(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(answer)})
        await send({"type": "http.response.body", "body": b"{}"})

    sent: list[t.Any] = []

    async def send(message: t.Any) -> None:
        sent.append(message)

    async def receive() -> t.Any:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": method, "path": "/", "headers": request_headers}
    asyncio.run(middleware(inner, **OPTIONS)(scope, receive, send))
    return sent


@given(
    answer=st.lists(HEADER, max_size=4),
    origin=st.sampled_from([None, b"http://localhost:5173"]),
    method=st.sampled_from(["GET", "OPTIONS"]),
    preflight=st.booleans(),
)
def test_answers_are_starlettes(
    answer: list[tuple[bytes, bytes]], origin: bytes | None, method: str, preflight: bool
) -> None:
    request_headers = [(b"host", b"localhost")]
    if origin is not None:
        request_headers.append((b"origin", origin))
    if preflight:
        request_headers.append((b"access-control-request-method", b"PUT"))
    assert _messages(CORSMiddleware, method, request_headers, answer) == _messages(
        StarletteCORSMiddleware, method, request_headers, answer
    )
