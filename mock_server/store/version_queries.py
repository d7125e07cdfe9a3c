"""The stored versions of sandboxes, asked of PostgreSQL thousands of times a second at little cost.

Every read on a shared store waits for a query of its sandbox's stored version (shared_state.py,
`VersionChecks`). Through a cursor, each query cost more of the process than the read it allowed
(a task, a cursor, the adapters, the waiting machinery); here one connection of its own is driven by
the event loop through libpq's asynchronous interface (psycopg's `pq`): a statement prepared once,
sent with the tokens as one text array, and its rows read when the socket is readable — the socket
stays registered with the loop while the connection lives.

One query at a time (`VersionChecks` sends the next when the last is answered). A connection that
fails fails the query out (`done` gets the error) and is opened again, asynchronously, for the next.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import pq

log = logging.getLogger("minbil.state")

_STATEMENT = b"minbil_versions"
_PREPARE = (
    "PREPARE minbil_versions (text[]) AS SELECT token, version FROM minbil_sandboxes WHERE token = ANY($1)"
)

Versions = dict[str, int]
Done = Callable[[Versions | BaseException], None]


def text_array(tokens: list[str]) -> bytes:
    """`tokens` as a PostgreSQL text array literal, each element quoted."""
    quoted = ('"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"' for token in tokens)
    return ("{" + ",".join(quoted) + "}").encode()


class VersionQueries:
    def __init__(self, url: str, connect_timeout: float = 5.0) -> None:
        self.url = url
        self._connect_timeout = connect_timeout
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._socket = -1  # the connection's, registered with the loop
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening: asyncio.Task[None] | None = None
        self._done: Done | None = None  # the query out
        self._found: Versions = {}
        self._failed: BaseException | None = None
        self._closed = False

    def query(self, tokens: list[str], done: Done) -> None:
        """Send one query of the stored versions of `tokens`; `done` gets them (those stored) or the
        error, once, never before this returns. Not while another query is out."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a connection belongs to the loop that opened it
            self.detach()
            self._loop, self._opening, self._done = loop, None, None
        assert self._done is None, "one version query at a time"
        self._done, self._found, self._failed = done, {}, None
        if self._connection is not None and self._connection.pgconn.status != pq.ConnStatus.OK:
            self.detach()  # it broke while idle (a restart, a failover): a new one, not a failure
        if self._connection is None:  # (a task opening one is done: its query was answered)
            self._opening = loop.create_task(self._open_then_send(tokens))
            return
        self._send(tokens)

    async def _open_then_send(self, tokens: list[str]) -> None:
        try:
            connection = await psycopg.AsyncConnection.connect(
                self.url, autocommit=True, connect_timeout=int(self._connect_timeout)
            )
            try:
                await connection.execute(_PREPARE)
            except BaseException:
                connection.pgconn.finish()
                raise
        except Exception as error:
            self._answer(error)
            return
        if self._closed or self._loop is not asyncio.get_running_loop():  # closed meanwhile
            connection.pgconn.finish()
            self._answer(psycopg.OperationalError("the state store is closed"))
            return
        assert self._loop is not None
        self._connection, self._socket = connection, connection.pgconn.socket
        self._loop.add_reader(self._socket, self._readable)
        self._send(tokens)

    def _send(self, tokens: list[str]) -> None:
        assert self._connection is not None and self._loop is not None
        pgconn = self._connection.pgconn
        try:
            pgconn.send_query_prepared(_STATEMENT, [text_array(tokens)])
            if pgconn.flush():  # the rest goes out as the socket takes it
                self._loop.add_writer(self._socket, self._writable)
        except psycopg.Error as error:
            self._loop.call_soon(self._lost, error)  # `done` is told after `query` returns

    def _writable(self) -> None:
        assert self._connection is not None and self._loop is not None
        pgconn = self._connection.pgconn
        try:
            if not pgconn.flush():
                self._loop.remove_writer(self._socket)
        except psycopg.Error as error:
            self._lost(error)

    def _readable(self) -> None:
        connection = self._connection
        if connection is None:
            return
        pgconn = connection.pgconn
        try:
            pgconn.consume_input()
            while self._done is not None and not pgconn.is_busy():
                result = pgconn.get_result()
                if result is None:  # the query is answered whole
                    self._answer(self._failed if self._failed is not None else self._found)
                    return
                self._take(result)
        except psycopg.Error as error:
            self._lost(error)
            return
        if self._done is None and pgconn.status != pq.ConnStatus.OK:
            self.detach()  # the server ended it while idle: the next query opens another

    def _take(self, result: pq.abc.PGresult) -> None:
        if result.status == pq.ExecStatus.TUPLES_OK:
            for row in range(result.ntuples):
                token, version = result.get_value(row, 0), result.get_value(row, 1)
                if token is not None and version is not None:
                    self._found[token.decode()] = int(version)
        else:
            message = (result.error_message or b"").decode(errors="replace").strip()
            self._failed = psycopg.OperationalError(message or f"version query: {result.status.name}")

    def _lost(self, error: BaseException) -> None:
        """The connection failed: the query out fails, and the next opens a new one."""
        if self._done is not None:
            log.warning("state database: a version query failed: %s", str(error).strip())
        self.detach()
        self._answer(error)

    def _answer(self, outcome: Versions | BaseException) -> None:
        done, self._done = self._done, None
        if done is not None:
            done(outcome)

    def detach(self) -> None:
        """Drop the connection (a new loop, before a fork, a failure); the next query opens another."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._socket)
            self._loop.remove_writer(self._socket)
        connection.pgconn.finish()

    def close(self) -> None:
        self._closed = True
        self.detach()

    def reopen(self) -> None:
        """Queries again after `close` (a worker forked from a process that closed its store)."""
        self.detach()
        self._closed = False
