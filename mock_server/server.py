"""The HTTP server under the mock: uvicorn, with bounds a shared mock needs against slow or dead clients.

uvicorn (httptools) closes an idle keep-alive connection after a few seconds, but a connection
that never completes its request head is kept for ever, and so is one whose answer went out while
its body was still trickling in; enough of them and the server stops answering. Here:
- a request's head must arrive within `request_timeout` of the connection opening (or of the
  request's first byte); otherwise the connection is closed, with a 408 when some of it came;
- a body is bounded the same way by the application (mock_server/request_body.py, 408);
- a connection answered before its body was read whole is closed `request_timeout` later at most;
- past `max_connections` open connections, requests are answered 503 `SERVER_BUSY` at once.

With answers kept (`direct/wire.py`), a plain GET on a keep-alive connection that repeats, byte for
byte, a read answered from them is answered here, once its head is parsed (on a shared store, once
the store's version check allows it), without a request cycle; the server's own headers and
keep-alive are as uvicorn has them.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from .direct.wire import NOTE, WireAnswers, WireRequest, one_get_head
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


def bounded_protocol(
    request_timeout: float, max_connections: int, wire: WireAnswers | None = None
) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with the bounds above, answering what `wire` has learned."""

    async def busy(scope: Scope, receive: Receive, send: Send) -> None:
        await send_problem(
            send,
            "SERVER_BUSY",
            f"The mock is serving {max_connections} connections; try again shortly.",
            close=True,
            retry_after=1,
        )

    class BoundedProtocol(HttpToolsProtocol):
        _linger_timer: asyncio.TimerHandle | None = None
        _request_begun = False
        _wired = False  # the request being parsed was answered at the wire
        _data = b""  # the last read given to the parser
        _in_message = False  # the parser has begun a request and not seen its end
        _pending: bytes | None = None  # a read whose answer waits for the store's version check
        _pending_request: Any = None  # what the wire knows it as
        _pending_id: bytes | None = None  # its X-Request-ID, when it was parsed
        _to_cycle = False  # the request about to be parsed takes the request cycle
        _begun_in: bytes | None = None  # the read the request being parsed began in
        _held: list[bytes] | None = None  # reads that came meanwhile
        _close_after_answer = False  # the server is stopping

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._served_app = self.app
            self._head = _Deadline(self.loop, self._head_too_slow)
            self._head.set(request_timeout)
            # Keep-alive after an answer written at the wire (uvicorn times the others).
            self._idle = _Deadline(self.loop, self.timeout_keep_alive_handler)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._request_begun = self._in_message = True
            self._begun_in = self._data
            if not self._head.set_for:
                self._head.set(request_timeout)

        def data_received(self, data: bytes) -> None:
            if self._pending is not None:  # kept, in order, until it is answered
                self._held = [*(self._held or []), data]
                if sum(map(len, self._held)) > _HELD_BYTES:
                    self.flow.pause_reading()
                return
            # A read whose bytes are those of a request answered at the wire before, alone in it,
            # is answered without parsing it again (the parser is between requests: it stays so).
            if wire is not None and (request := wire.request_of(data, self.server, self.scheme)) is not None:
                self._unset_keepalive_if_required()
                if not self._in_message and self._free_for_wire():
                    if wire.shared:
                        if self._answer_after_check(request, data):
                            return
                    elif self._answer_at_wire(request, None, data=None):
                        self._head.clear()
                        self._wired = False
                        return
            self._parse(data)

        def _parse(self, data: bytes) -> None:
            self._data = data
            super().data_received(data)

        def _free_for_wire(self) -> bool:
            """Nothing before it unanswered, writing not paused, the connection within the cap."""
            return not (
                self.pipeline
                or (self.cycle is not None and not self.cycle.response_complete)
                or self.flow.write_paused
                or len(self.connections) > max_connections
            )

        def _answer_after_check(
            self, request: WireRequest, data: bytes, client_id: bytes | None = None
        ) -> bool:
            """On a shared store: answered at the wire once the store's version check allows it;
            parsed (again) and served by the request cycle when it does not. `data` is the read,
            which holds this request alone. What is read meanwhile waits (reading pauses past
            `_HELD_BYTES`; pausing for every such read cost two system calls). The connection
            itself waits for the check (`_version_told`): a closure per read made garbage enough
            to cost a collection every few batches."""
            assert wire is not None
            if not wire.answer_later(request, self._version_told):
                return False
            self._pending, self._pending_request, self._pending_id = data, request, client_id
            self._head.clear()  # the head is here; the store is what is waited for
            return True

        def _version_told(self, stored: int | BaseException | None) -> None:
            assert wire is not None and self._pending is not None
            data, request, client_id = self._pending, self._pending_request, self._pending_id
            self._pending = self._pending_request = self._pending_id = None
            if self.transport.is_closing():
                return
            self.flow.resume_reading()  # if it was paused
            answer = wire.answer_checked(request, stored, self.server_state.default_headers, client_id)
            if answer is None:
                self._to_cycle = True  # not to the wire again
                self._parse(data)
                if self._close_after_answer and self.cycle is not None:
                    self.cycle.keep_alive = False
            else:
                self.transport.write(answer)
                self.server_state.total_requests += 1
                self._head.clear()
                if self._close_after_answer:
                    self.transport.close()
                else:
                    self._idle.set(self.timeout_keep_alive)
                if client_id is None:
                    wire.remember_bytes(data, self.server, self.scheme, request)
            held, self._held = self._held, None
            for more in held or ():
                self.data_received(more)

        def shutdown(self) -> None:
            if self._pending is not None:  # answered first, then closed
                self._close_after_answer = True
                return
            super().shutdown()

        def on_headers_complete(self) -> None:
            self._head.clear()
            self._request_begun = False
            # A keep-alive deadline set after an answer written at the wire, with this request
            # already in the same read: the request runs now.
            self._idle.clear()
            full = len(self.connections) > max_connections
            to_cycle, self._to_cycle = self._to_cycle, False
            request = self._wire_request() if wire is not None and wire.on and not full else None
            if request is not None and not to_cycle:
                assert wire is not None
                if not wire.shared and self._answer_at_wire(*request, data=self._data):
                    return
                if wire.shared and self._after_check_once_parsed(*request):
                    self._wired = True  # its end is no request's now: the read is parsed again if need be
                    return
            # uvicorn starts the request with self.app: the mock, or the 503 when it is full.
            self.app = busy if full else self._served_app  # type: ignore[assignment]
            super().on_headers_complete()
            if request is not None:
                self._learn(*request, data=self._data)

        def _after_check_once_parsed(self, request: WireRequest, client_id: bytes | None) -> bool:
            """On a shared store, a read the wire knows, parsed (its own X-Request-ID, say): it
            waits for the version check as one known by its bytes does, when it is alone in its
            read and nothing waits before it."""
            return (
                self._alone_in_read()
                and self._free_for_wire()
                and self._answer_after_check(request, self._data, client_id)
            )

        def _alone_in_read(self) -> bool:
            """The request being parsed began in the last read, which holds its head and nothing
            else (a GET without a body): the read can be parsed again as this request alone."""
            return self._begun_in is self._data and one_get_head(self._data)

        def _wire_request(self) -> tuple[WireRequest, bytes | None] | None:
            """The request as the wire keys it, when it is one the wire may answer: a GET of HTTP/1.1
            on a keep-alive connection, no upgrade, and no access line to write."""
            parser = self.parser
            if (
                parser.get_method() != b"GET"
                or parser.get_http_version() != "1.1"
                or not parser.should_keep_alive()
                or parser.should_upgrade()
                or (self.access_log and self.access_logger.isEnabledFor(logging.INFO))  # its line
            ):
                return None
            assert wire is not None
            return wire.request(self.url, self.headers, self.server, self.scheme)  # type: ignore[arg-type]

        def _answer_at_wire(
            self, request: WireRequest, client_id: bytes | None, *, data: bytes | None
        ) -> bool:
            """Answered at the wire, when it has the answer and nothing waits before it; `data`, the
            read it came in, is remembered as its bytes when it holds that one request alone."""
            if not self._free_for_wire():
                return False
            assert wire is not None
            answer = wire.answer(request, client_id, self.server_state.default_headers)
            if answer is None:
                return False
            self._wired = True
            self.transport.write(answer)
            # What uvicorn does once an answer is complete, with no request waiting behind it.
            self.server_state.total_requests += 1
            if not self.transport.is_closing():
                self._idle.set(self.timeout_keep_alive)
            if data is not None and client_id is None:
                wire.remember_bytes(data, self.server, self.scheme, request)
            return True

        def _unset_keepalive_if_required(self) -> None:
            super()._unset_keepalive_if_required()
            self._idle.clear()

        def _learn(self, request: WireRequest, client_id: bytes | None, *, data: bytes) -> None:
            """Capture what the app sends for this request; the wire learns it when the fast lane
            noted it answered it from the kept answers (and `data`, the read it came in, as its
            bytes, when it holds that request alone)."""
            server, scheme = self.server, self.scheme
            cycle, scope = self.cycle, self.scope
            send = cycle.send
            captured: dict[str, Any] = {}
            chunks: list[bytes] = []

            async def capturing(message: Any) -> None:
                await send(message)
                if message["type"] == "http.response.start":
                    captured.update(message)
                elif message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))
                    if not message.get("more_body", False) and captured:
                        state = scope.get("state") or {}
                        assert wire is not None
                        learned = wire.learn(
                            request,
                            state.get(NOTE),
                            STATUS_LINE[captured["status"]],
                            captured,
                            b"".join(chunks),
                            (scope["method"], scope["path"], scope["query_string"]),
                        )
                        if learned and client_id is None:
                            wire.remember_bytes(data, server, scheme, request)

            cycle.send = capturing  # type: ignore[method-assign]

        def on_body(self, body: bytes) -> None:
            if not self._wired:
                super().on_body(body)

        def on_message_complete(self) -> None:
            self._in_message = False
            if self._wired:  # answered already, at its head
                self._wired = False
                return
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
            self._head.cancel()
            self._idle.cancel()
            if self._linger_timer is not None:
                self._linger_timer.cancel()
            super().connection_lost(exc)

        def _head_too_slow(self) -> None:
            if self.transport.is_closing():
                return
            if self._request_begun:
                self.transport.write(_raw_timeout_answer(request_timeout))
            self.transport.close()

        def _close(self) -> None:
            if not self.transport.is_closing():
                self.transport.close()

    return BoundedProtocol


_HELD_BYTES = 64 * 1024  # read while an answer waits for the store, before reading pauses


class _Deadline:
    """A deadline moved on every request and seldom reached: one timer of the loop, armed again only
    when it fires before the deadline it then finds (two timer calls a request were a few per cent
    of a cheap one)."""

    __slots__ = ("_action", "_at", "_loop", "_timer", "set_for")

    def __init__(self, loop: asyncio.AbstractEventLoop, action: Callable[[], None]) -> None:
        self._loop, self._action = loop, action
        self._timer: asyncio.TimerHandle | None = None
        self._at = 0.0  # when the timer fires
        self.set_for: float | None = None  # the deadline (loop time); None: none

    def set(self, seconds: float) -> None:
        due = self.set_for = self._loop.time() + seconds
        if self._timer is not None and self._at <= due:
            return  # it fires first, and waits again for the rest
        if self._timer is not None:
            self._timer.cancel()
        self._at = due
        self._timer = self._loop.call_at(due, self._fire)

    def clear(self) -> None:
        self.set_for = None

    def cancel(self) -> None:
        self.set_for = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        self._timer = None
        due = self.set_for
        if due is None:
            return
        if self._loop.time() < due:
            self._at = due
            self._timer = self._loop.call_at(due, self._fire)
            return
        self.set_for = None
        self._action()


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
    wire: WireAnswers | None = None,
    **options: Any,
) -> None:
    """Serve `app` on the bound `sock` until interrupted; then `on_stop`."""
    server(
        app,
        request_timeout=request_timeout,
        max_connections=max_connections,
        on_stop=on_stop,
        wire=wire,
        **options,
    ).run(sockets=[sock])


def server(
    app: Any,
    *,
    request_timeout: float,
    max_connections: int,
    on_stop: Callable[[], None] = lambda: None,
    wire: WireAnswers | None = None,
    **options: Any,
) -> uvicorn.Server:
    """The server `serve` runs (`run(sockets=[...])`, stopped by `should_exit`)."""
    protocol = bounded_protocol(request_timeout, max_connections, wire)
    config = uvicorn.Config(app, http=protocol, backlog=max(128, max_connections), **options)
    return _Server(config, on_stop)
