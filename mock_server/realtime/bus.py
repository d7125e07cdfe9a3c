"""Live events across processes (`--state postgresql://…`): PostgreSQL NOTIFY out, one LISTEN in.

Several mock processes serve one world; a socket joined on one of them must see what a request on
any other caused. Every live event the hub describes here is also offered to the bus (`offer`),
which keeps it until the sandbox's change is committed: the store's commit (store/postgres_state.py
`sync`) sends each as a `pg_notify` inside its own transaction, so the other processes hear of an
event exactly when the change that caused it is visible to them. Events no commit carried (a
request that published and changed nothing stored) are sent after the request (`flush`). An event
too big for NOTIFY's 8000 bytes is written to `minbil_realtime_events` and only its row id is sent;
rows older than a few minutes are deleted.

Each process listens on one connection of its own, in a thread started with the process's first
socket (so a forked worker starts its own, under a name of its own): a notification from another
process is handed to the hub on the loop that serves the sockets and fanned out there, as a local
event is; one this process sent is skipped (its own sockets had it already), so each socket gets
each event once. What clients broadcast to each other (over a socket or the REST endpoint) goes the
same way, sent at once: a client on one process reaches the room's members on every other.
While the listening connection is down (a database restart) events from other processes are lost;
it reconnects every second.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import itertools
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import psycopg

from ..store.postgres_state import PostgresState, StateStoreError
from .rows import Broadcast, Described, RowChange

if TYPE_CHECKING:
    from .hub import RealtimeHub

log = logging.getLogger(__name__)

CHANNEL = "minbil_realtime"
# NOTIFY's payload must be shorter than 8000 bytes; a bigger event goes by reference.
NOTIFY_LIMIT = 7900
_KEEP_REFERENCED = "5 minutes"  # a referenced event's row is deleted after this
# A listening process tells the store every few seconds; one silent for longer is counted gone.
_HEARTBEAT_S = 5.0
_PEER_GONE_AFTER_S = 15.0


def encode(origin: str, number: int, token: str, user_id: object, described: Described) -> str:
    message = described.broadcast
    change = described.change
    return json.dumps(
        {
            "o": origin,
            "n": number,  # identical payloads in one transaction would be delivered once
            "t": token,
            "u": str(user_id),
            "b": None if message is None else [message.channel, message.event, message.payload],
            "c": [change.table, change.type, change.record, change.old_record, change.commit_timestamp],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode(payload: str) -> tuple[str, str, str, Described]:
    """(origin, token, user id, the event) of an encoded event."""
    value = json.loads(payload)
    message = value["b"]
    broadcast = None if message is None else Broadcast(message[0], message[1], message[2])
    return value["o"], value["t"], value["u"], Described(broadcast, RowChange(*value["c"]))


class PostgresBus:
    def __init__(self, state: PostgresState, hub: RealtimeHub) -> None:
        self.state = state
        self.hub = hub
        self._origin, self._origin_pid = uuid.uuid4().hex, os.getpid()
        self._numbers = itertools.count()
        self._pending: dict[str, list[str]] = {}  # token -> encoded events awaiting its commit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._stopped = threading.Event()
        self._listening = threading.Event()
        # Other channels heard on the same connection (the shared journal's), each with its handler,
        # called on the listening thread.
        self._handlers: dict[str, Callable[[str], None]] = {}
        state.committing = self._with_commit
        state.closing.append(self.close)

    def __repr__(self) -> str:
        return f"PostgresBus({self.origin[:8]})"

    @property
    def origin(self) -> str:
        """This process's name on the bus: a worker forked from the start-up world takes its own."""
        if self._origin_pid != os.getpid():
            self._origin, self._origin_pid = uuid.uuid4().hex, os.getpid()
            self._pending = {}
        return self._origin

    # --- out ---------------------------------------------------------------------------------

    def offer(self, token: str, user_id: object, described: Described) -> None:
        """An event of `token`'s sandbox, for the other processes once its change is committed."""
        encoded = encode(self.origin, next(self._numbers), token, user_id, described)
        self._pending.setdefault(token, []).append(encoded)

    def _with_commit(self, connection: psycopg.Connection[Any], tokens: set[str]) -> None:
        for token in tokens:
            for payload in self._pending.pop(token, ()):
                self._notify(connection, payload)

    def flush(self, token: str) -> None:
        """Send the events of `token` that no commit carried (after its request)."""
        self.serving()
        pending = self._pending.pop(token, None)
        if not pending:
            return
        try:
            self.state.run(lambda connection: [self._notify(connection, p) for p in pending])
        except (psycopg.Error, StateStoreError) as error:  # the database is away: other processes miss it
            log.warning("live events of a sandbox not sent to the other processes: %s", error)

    def relay_broadcast(self, scope: str, name: str, message: dict[str, Any], binary: bytes | None) -> None:
        """A client's broadcast, for the channels joined to it on the other processes: sent at once,
        as it changes nothing stored (Supabase's broadcasts are fire-and-forget as well)."""
        payload = json.dumps(
            {
                "o": self.origin,
                "k": "broadcast",
                "s": scope,
                "ch": name,
                "m": message,
                "bin": None if binary is None else base64.b64encode(binary).decode(),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        try:
            self.state.run(lambda connection: self._notify(connection, payload))
        except (psycopg.Error, StateStoreError) as error:
            log.warning("a broadcast not sent to the other processes: %s", error)

    def relay_presence(
        self, scope: str, name: str, joins: dict[str, Any], leaves: dict[str, Any], *, gone: str | None
    ) -> None:
        """A presence tracked or untracked here: kept in the store for the others' `presence_state`
        (while this process's heartbeat lasts) and told to their room members as a diff."""
        origin = self.origin
        payload = json.dumps(
            {"o": origin, "k": "presence", "s": scope, "ch": name, "j": joins, "l": leaves},
            ensure_ascii=False,
            separators=(",", ":"),
        )

        def write(connection: psycopg.Connection[Any]) -> None:
            if gone is not None:
                connection.execute(
                    "DELETE FROM minbil_presence WHERE origin = %s AND ref = %s", (origin, gone)
                )
            for key, entry in joins.items():
                for meta in entry["metas"]:
                    connection.execute(
                        "INSERT INTO minbil_presence VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        (origin, meta["phx_ref"], scope, name, key, json.dumps(meta, ensure_ascii=False)),
                    )
            self._notify(connection, payload)

        try:
            self.state.run(write)
        except (psycopg.Error, StateStoreError) as error:
            log.warning("a presence change not told to the other processes: %s", error)

    def presence_elsewhere(self, scope: str, name: str) -> list[tuple[str, dict[str, Any]]]:
        """(key, meta) of every presence tracked in the room on the other live processes."""
        try:
            rows = self.state.run(
                lambda connection: connection.execute(
                    "SELECT p.key, p.meta FROM minbil_presence p JOIN minbil_processes r USING (origin)"
                    " WHERE p.scope = %s AND p.room = %s AND p.origin <> %s"
                    " AND r.seen_at > now() - make_interval(secs => %s) ORDER BY p.ref",
                    (scope, name, self.origin, _PEER_GONE_AFTER_S),
                ).fetchall()
            )
        except (psycopg.Error, StateStoreError) as error:
            log.warning("presence on the other processes not known: %s", error)
            return []
        return [(key, json.loads(meta)) for key, meta in rows]

    def _notify(self, connection: psycopg.Connection[Any], payload: str) -> None:
        if len(payload.encode()) > NOTIFY_LIMIT:
            row = connection.execute(
                "INSERT INTO minbil_realtime_events (payload) VALUES (%s) RETURNING id", (payload,)
            ).fetchone()
            assert row is not None
            connection.execute(
                f"DELETE FROM minbil_realtime_events WHERE at < now() - interval '{_KEEP_REFERENCED}'"
            )
            payload = json.dumps({"o": self.origin, "ref": row[0]})
        connection.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    # --- in ----------------------------------------------------------------------------------

    def on(self, channel: str, handler: Callable[[str], None]) -> None:
        """Hear `channel` too (before the first `listen`): `handler(payload)` on the listening thread."""
        self._handlers[channel] = handler

    def serving(self) -> None:
        """A request is served here: from now on this process listens (and is a peer the others
        count on, see `peers`). Cheap once listening."""
        if self._thread is None or self._pid != os.getpid():
            self.listen()

    def peers(self) -> set[str]:
        """The other processes on the store that listen now (their heartbeat is recent)."""
        rows = self.state.run(
            lambda connection: connection.execute(
                "SELECT origin FROM minbil_processes WHERE seen_at > now() - make_interval(secs => %s)"
                " AND origin <> %s",
                (_PEER_GONE_AFTER_S, self.origin),
            ).fetchall()
        )
        return {row[0] for row in rows}

    def call_on_loop(self, work: Callable[[], Any], timeout: float = 2.0) -> Any:
        """`work()` on the loop this process serves on, from the listening thread; its result."""
        loop = self._loop
        if loop is None or loop.is_closed():
            raise RuntimeError("no loop to run on")
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def run() -> None:
            try:
                done.set_result(work())
            except BaseException as error:  # handed to the waiting thread
                done.set_exception(error)

        loop.call_soon_threadsafe(run)
        return done.result(timeout=timeout)

    def listen(self) -> None:
        """Called on the loop serving a socket: hear the other processes from now on (the first
        call in a process starts the listener and waits, a few seconds at most, until it listens)."""
        self._loop = asyncio.get_running_loop()
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        self._pid = os.getpid()
        self._stopped.clear()
        self._listening.clear()
        self._thread = threading.Thread(target=self._run, name="minbil-realtime-listen", daemon=True)
        self._thread.start()
        self._listening.wait(timeout=self.state._connect_timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                with psycopg.connect(
                    self.state.url, autocommit=True, connect_timeout=int(self.state._connect_timeout)
                ) as connection:
                    for channel in (CHANNEL, *self._handlers):
                        connection.execute(f"LISTEN {channel}")
                    beat = self._heartbeat(connection, 0.0)
                    self._listening.set()
                    while not self._stopped.is_set():
                        for notice in connection.notifies(timeout=0.5):
                            handler = self._handlers.get(notice.channel)
                            if handler is None:
                                self._heard(notice.payload)
                            else:
                                handler(notice.payload)
                        beat = self._heartbeat(connection, beat)
                    with contextlib.suppress(psycopg.Error):
                        connection.execute("DELETE FROM minbil_processes WHERE origin = %s", (self.origin,))
                        connection.execute("DELETE FROM minbil_presence WHERE origin = %s", (self.origin,))
            except psycopg.Error as error:
                if self._stopped.is_set():
                    return
                log.warning("realtime: listening to the other processes failed (%s); again in 1 s", error)
                self._stopped.wait(1.0)

    def _heartbeat(self, connection: psycopg.Connection[Any], last: float) -> float:
        """Tell the store this process listens, every few seconds; old processes' rows go."""
        now = time.monotonic()
        if now - last < _HEARTBEAT_S:
            return last
        connection.execute(
            "INSERT INTO minbil_processes VALUES (%s, now())"
            " ON CONFLICT (origin) DO UPDATE SET seen_at = now()",
            (self.origin,),
        )
        connection.execute("DELETE FROM minbil_processes WHERE seen_at < now() - interval '1 hour'")
        connection.execute(
            "DELETE FROM minbil_presence WHERE origin NOT IN (SELECT origin FROM minbil_processes)"
        )
        return now

    def _heard(self, payload: str) -> None:
        try:
            value = json.loads(payload)
            if value.get("o") == self.origin:
                return  # sent by this process: its sockets had it when it happened
            if "ref" in value:
                row = self.state.run(
                    lambda connection: connection.execute(
                        "SELECT payload FROM minbil_realtime_events WHERE id = %s", (value["ref"],)
                    ).fetchone()
                )
                if row is None:
                    return
                payload = row[0]
                value = json.loads(payload)
            if value.get("k") == "presence":
                self._on_loop(self.hub.presence_diff_here, value["s"], value["ch"], value["j"], value["l"])
                return
            if value.get("k") == "broadcast":
                binary = None if value["bin"] is None else base64.b64decode(value["bin"])
                self._on_loop(self.hub.broadcast_here, value["s"], value["ch"], value["m"], None, binary)
                return
            _, token, user_id, described = decode(payload)
        except (ValueError, KeyError, TypeError, IndexError, psycopg.Error) as error:
            log.warning("realtime: an event from another process could not be read (%s)", error)
            return
        self._on_loop(self.hub.deliver, token, user_id, described)

    def _on_loop(self, deliver: Callable[..., object], *arguments: object) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody to deliver to
            loop.call_soon_threadsafe(deliver, *arguments)

    def close(self) -> None:
        self._stopped.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=2)
        self._thread = None
