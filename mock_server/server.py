"""The HTTP server under the mock: uvicorn, with bounds a shared mock needs against slow or dead clients.

uvicorn (httptools) closes an idle keep-alive connection after a few seconds, but a connection
that never completes its request head is kept for ever, and so is one whose answer went out while
its body was still trickling in; enough of them and the server stops answering. Here:
- a request's head must arrive within `request_timeout` of the connection opening (or of the
  request's first byte); otherwise the connection is closed, with a 408 when some of it came;
- a body is bounded the same way by the application (mock_server/request_body.py, 408);
- a connection answered before its body was read whole is closed `request_timeout` later at most;
- past `max_connections` open connections, requests are answered 503 `SERVER_BUSY` at once.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .problems import CATALOGUE, encode, problem_body, problem_headers
from .request_body import send_problem


class PortError(Exception):
    """The port cannot be listened on; the message says why, in one line."""


def listening_socket(host: str, port: int, backlog: int = 128) -> socket.socket:
    """A socket listening on (host, port); PortError when that cannot be had.

    Listening at once claims the port for good (a socket that is only bound can be bound again by
    another process with SO_REUSEADDR); connections made before the mock serves wait in the backlog."""
    if not 1 <= port <= 65535:
        raise PortError(f"--port {port} is not a TCP port; choose one from 1 to 65535.")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise PortError(f"--host {host} is not an address of this machine ({error.strerror}).") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(backlog)
    except OSError as error:
        sock.close()
        if error.errno == 98 or "in use" in str(error).lower():
            raise PortError(
                f"port {port} on {host} is already in use; stop what holds it or choose another --port."
            ) from None
        raise PortError(f"cannot listen on {host}:{port}: {error.strerror or error}.") from None
    return sock


def bounded_protocol(request_timeout: float, max_connections: int) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with the bounds above."""

    async def busy(scope: Scope, receive: Receive, send: Send) -> None:
        await send_problem(
            send,
            "SERVER_BUSY",
            f"The mock is serving {max_connections} connections; try again shortly.",
            close=True,
            retry_after=1,
        )

    class BoundedProtocol(HttpToolsProtocol):
        _head_timer: asyncio.TimerHandle | None = None
        _linger_timer: asyncio.TimerHandle | None = None
        _request_begun = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._served_app = self.app
            self._head_timer = self.loop.call_later(request_timeout, self._head_too_slow)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._request_begun = True
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(request_timeout, self._head_too_slow)

        def on_headers_complete(self) -> None:
            self._cancel_head_timer()
            self._request_begun = False
            # uvicorn starts the request with self.app: the mock, or the 503 when it is full.
            self.app = busy if len(self.connections) > max_connections else self._served_app  # type: ignore[assignment]
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            if self._linger_timer is not None:
                self._linger_timer.cancel()
                self._linger_timer = None

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.cycle.more_body and not self.transport.is_closing() and self._linger_timer is None:
                # Answered before the body was whole: the rest gets a bounded time to pass by.
                self._linger_timer = self.loop.call_later(request_timeout, self._close)

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_head_timer()
            if self._linger_timer is not None:
                self._linger_timer.cancel()
            super().connection_lost(exc)

        def _cancel_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if self.transport.is_closing():
                return
            if self._request_begun:
                self.transport.write(_raw_timeout_answer(request_timeout))
            self.transport.close()

        def _close(self) -> None:
            if not self.transport.is_closing():
                self.transport.close()

    return BoundedProtocol


def _raw_timeout_answer(request_timeout: float) -> bytes:
    """408 problem+json written straight to the socket: no request was ever started for it."""
    code = "REQUEST_TIMEOUT"
    body = encode(problem_body(code, f"The request head did not arrive within {request_timeout:g} s."))
    headers = {**problem_headers(code), "Content-Length": str(len(body)), "Connection": "close"}
    head = f"HTTP/1.1 {CATALOGUE[code].status} Request Timeout\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    return head.encode("latin-1") + b"\r\n" + body


class _Server(uvicorn.Server):
    """uvicorn's server that runs `on_stop` once every connection is done, before the process ends
    (uvicorn re-raises a captured SIGINT/SIGTERM after its shutdown, so code after run() may not run)."""

    def __init__(self, config: uvicorn.Config, on_stop: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_stop = on_stop

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().shutdown(sockets)
        finally:
            self._on_stop()


def serve(
    app: Any,
    sock: socket.socket,
    *,
    request_timeout: float,
    max_connections: int,
    on_stop: Callable[[], None] = lambda: None,
    **options: Any,
) -> None:
    """Serve `app` on the bound `sock` until interrupted; then `on_stop`."""
    protocol = bounded_protocol(request_timeout, max_connections)
    config = uvicorn.Config(app, http=protocol, backlog=max(128, max_connections), **options)
    _Server(config, on_stop).run(sockets=[sock])
