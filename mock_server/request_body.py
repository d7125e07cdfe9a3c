"""Every request body is read whole, once, before anything else of the mock sees it.

One place answers what no parser or handler should have to think about, for every route (the
CarOwner API, the registry, the controls; the direct path and Connexion alike):
- a body larger than the limit: 413, before more of it is read;
- a body that does not arrive within the request timeout: 408, and the connection is closed;
- a client that goes away mid-body: the request is dropped, nothing runs, nothing is logged;
- a JSON body nested deeper than MAX_JSON_DEPTH: 400 INVALID_JSON (parsers recurse per level);
- a chunked body (`Transfer-Encoding: chunked`, no Content-Length): passed on with the
  Content-Length it turned out to have, so every operation reads it like any other body.
The application then gets the body as a single message. A request without a body passes through
untouched, at no cost.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .json_depth import MAX_JSON_DEPTH, nests_deeper_than
from .problems import CATALOGUE, encode, problem_body, problem_headers

MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_REQUEST_TIMEOUT = 30.0


class _Refused(Exception):
    def __init__(self, code: str, detail: str, close: bool = False) -> None:
        self.code, self.detail, self.close = code, detail, close


class _Gone(Exception):
    """The client disconnected before its body was complete."""


class RequestBodyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = MAX_BODY_BYTES,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_depth: int = MAX_JSON_DEPTH,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = transfer_encoding = content_type = None
        for key, value in scope["headers"]:
            if key == b"content-length":
                length = value
            elif key == b"transfer-encoding":
                transfer_encoding = value
            elif key == b"content-type":
                content_type = value
        if transfer_encoding is None and (length is None or length == b"0"):
            await self.app(scope, receive, send)  # no body
            return
        try:
            if length is not None and length.isdigit() and int(length) > self.max_bytes:
                raise self._too_large()
            body = await self._read(receive)
            # Without a Content-Type, Connexion reads a body as JSON too.
            json_body = content_type is None or b"json" in content_type.lower()
            if json_body and nests_deeper_than(body, self.max_depth):
                raise _Refused(
                    "INVALID_JSON",
                    f"The body is not valid JSON or nests deeper than {self.max_depth} levels.",
                )
        except _Gone:
            return
        except _Refused as refused:
            await send_problem(send, refused.code, refused.detail, close=refused.close)
            return
        if transfer_encoding is not None and length is None:  # chunked
            headers = [(k, v) for k, v in scope["headers"] if k != b"transfer-encoding"]
            headers.append((b"content-length", str(len(body)).encode()))
            scope = {**scope, "headers": headers}
        await self.app(scope, replaying(body, receive), send)

    def _too_large(self) -> _Refused:
        # Closed: the rest of the body may still be on its way.
        return _Refused("PAYLOAD_TOO_LARGE", f"The request body is larger than {self.max_bytes} bytes.", True)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        raise _Gone
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise self._too_large()
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        except TimeoutError:
            raise _Refused(
                "REQUEST_TIMEOUT",
                f"The request body did not arrive within {self.timeout:g} s.",
                close=True,
            ) from None


def replaying(body: bytes, receive: Receive) -> Receive:
    """The body as one message, then the client's channel again (for the disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def send_problem(
    send: Send, code: str, detail: str, *, close: bool = False, retry_after: int | None = None
) -> None:
    body = encode(problem_body(code, detail))
    raw_headers = [(k.lower().encode(), v.encode()) for k, v in problem_headers(code, retry_after).items()]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    if close:  # the rest of the body may still be on its way: this connection cannot be reused
        raw_headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": CATALOGUE[code].status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
