"""The Realtime hub: which sockets have joined which channels, and the fan-out to them.

Every sandbox's live events come here (`publish`, the sandbox's live sink, see domain/live.py).
Channels are scoped by sandbox: a channel joined with a user's token is that sandbox's, so nothing
of one sandbox reaches a socket joined with another's token, whatever the topic is called. A socket
joined without a user's token (the anon key) is in scope "" and sees no sandbox's events.

Deliveries are queued per socket and written by the socket's own writer (endpoint.py), so a
publication from a handler never waits on a slow client; one from another thread (or loop) is
handed to the socket's loop. With several processes on one PostgreSQL store, the bus
(realtime/bus.py) carries every event to the other processes and brings theirs here (`deliver`).
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..domain.live import LiveEvent
from ..journal import JournalEntry, RequestJournal
from ..store.sandbox import Sandbox
from .filters import Binding
from .frames import Frame, Vsn
from .rows import Broadcast, RowChange, channel_topic, describe

if TYPE_CHECKING:
    from .bus import PostgresBus

WS_PATH = "/realtime/v1/websocket"


@dataclass(frozen=True)
class Delivery:
    frame: Frame
    scope: str  # the sandbox token whose fault rules apply; "" for none
    what: str | None = None  # for the journal: what was delivered; None: protocol traffic


@dataclass(eq=False)
class Session:
    """One socket: its serializer, its joined channels, its outgoing queue."""

    vsn: Vsn
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    queue: asyncio.Queue[Delivery | None] = field(default_factory=asyncio.Queue)
    channels: dict[str, Channel] = field(default_factory=dict)
    closed: bool = False
    close_code: int = 1000

    # The loop serving the socket: a delivery from another thread is handed to it.
    loop: asyncio.AbstractEventLoop | None = None
    thread: int | None = None

    def bind(self) -> None:
        self.loop, self.thread = asyncio.get_running_loop(), threading.get_ident()

    def send(self, frame: Frame, scope: str = "", what: str | None = None) -> None:
        if not self.closed:
            self._put(Delivery(frame, scope, what))

    def close(self, code: int = 1000) -> None:
        if not self.closed:
            self.closed, self.close_code = True, code
            self._put(None)

    def _put(self, item: Delivery | None) -> None:
        if self.loop is not None and threading.get_ident() != self.thread:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)
        else:
            self.queue.put_nowait(item)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"Session({self.id}, vsn={self.vsn}, {len(self.channels)} channels)")


@dataclass(eq=False)
class Channel:
    """One topic joined on one socket."""

    session: Session
    topic: str  # "realtime:<name>"
    name: str
    scope: str
    join_ref: str | None
    self_broadcast: bool = False
    ack: bool = False
    private: bool = False
    presence_enabled: bool = False
    presence_key: str = ""
    bindings: tuple[Binding, ...] = ()
    tracked: dict[str, Any] | None = None
    presence_ref: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    def push(
        self, event: str, payload: dict[str, Any], what: str | None = None, ref: str | None = None
    ) -> None:
        self.session.send(Frame(self.topic, event, payload, ref, self.join_ref), self.scope, what)


class RealtimeHub:
    def __init__(self, journal: RequestJournal | None = None, faults: frozenset[str] = frozenset()) -> None:
        self._journal = journal
        # Planted faults (mock_server/faults): to prove the contract suite's realtime rules.
        self.faults = faults
        self._rooms: dict[tuple[str, str], list[Channel]] = {}
        self._scopes: dict[str, set[Channel]] = {}
        self._sessions: dict[str, set[Session]] = {}
        # Other processes' events (a shared PostgreSQL store); None: this process is the world.
        self.bus: PostgresBus | None = None

    # --- sockets and channels -------------------------------------------------------------

    def opened(self, session: Session, scope: str) -> None:
        if self.bus is not None:
            self.bus.listen()
        self._sessions.setdefault(scope, set()).add(session)

    def closed(self, session: Session) -> None:
        for channel in list(session.channels.values()):
            self.leave(channel)
        for sessions in self._sessions.values():
            sessions.discard(session)

    def join(self, channel: Channel) -> None:
        earlier = channel.session.channels.get(channel.topic)
        if earlier is not None:
            self.leave(earlier)
        channel.session.channels[channel.topic] = channel
        self._rooms.setdefault((channel.scope, channel.name), []).append(channel)
        self._scopes.setdefault(channel.scope, set()).add(channel)
        self._sessions.setdefault(channel.scope, set()).add(channel.session)

    def leave(self, channel: Channel) -> None:
        if channel.session.channels.get(channel.topic) is channel:
            del channel.session.channels[channel.topic]
        room = self._rooms.get((channel.scope, channel.name), [])
        if channel in room:
            room.remove(channel)
        if not room:
            self._rooms.pop((channel.scope, channel.name), None)
        members = self._scopes.get(channel.scope)
        if members is not None:
            members.discard(channel)
            if not members:
                del self._scopes[channel.scope]
        if channel.tracked is not None:
            self.untrack(channel)

    def members(self, scope: str, name: str) -> list[Channel]:
        return list(self._rooms.get((scope, name), ()))

    def forget(self, token: str) -> None:
        """A sandbox is gone: its sockets are closed (a client reconnects and is refused or rejoins)."""
        for session in list(self._sessions.pop(token, ())):
            session.close(1000)

    def socket_count(self) -> int:
        return len({session for sessions in self._sessions.values() for session in sessions})

    # --- the domain's events --------------------------------------------------------------

    def publish(self, sandbox: Sandbox, event: LiveEvent) -> None:
        """The live sink of every sandbox: fan the event out to the channels joined in its scope."""
        listened = sandbox.token in self._scopes
        if not listened and self.bus is None:
            return  # nobody listens: no work
        described = describe(sandbox, event)
        if self.bus is not None:
            self.bus.offer(sandbox.token, sandbox.user_id, described)
        if listened:
            self._fan_out(sandbox.token, sandbox.user_id, described)

    def deliver(self, token: str, user_id: str, described: Any) -> None:
        """An event another process published (the bus, on this loop): fanned out as if made here."""
        if token in self._scopes:
            self._fan_out(token, user_id, described)

    def _fan_out(self, token: str, user_id: object, described: Any) -> None:
        dropped = "realtime-drops-booking-events" in self.faults and described.broadcast is not None
        if described.broadcast is not None and not (dropped and described.broadcast.channel == "bookings"):
            message: Broadcast = described.broadcast
            name = channel_topic(user_id, message.channel)
            body = {"type": "broadcast", "event": message.event, "payload": message.payload}
            for channel in self.members(token, name):
                channel.push("broadcast", body, f"broadcast {message.event} on {name}")
        change: RowChange = described.change
        data = None
        for channel in list(self._scopes.get(token, ())):
            ids = [binding.id for binding in channel.bindings if binding.matches(change)]
            if ids:
                data = data or change.data()
                what = f"postgres_changes {change.type} {change.table} on {channel.name}"
                channel.push("postgres_changes", {"ids": ids, "data": data}, what)

    # --- what clients send each other -----------------------------------------------------

    def broadcast(
        self,
        scope: str,
        name: str,
        message: dict[str, Any],
        sender: Channel | None,
        binary: bytes | None = None,
    ) -> int:
        """A client's (or the REST endpoint's) broadcast to everyone joined to `name` in `scope`, on
        every process of a shared store; the sender gets it back only with `self`. Returns how many
        channels of this process it was sent to."""
        if self.bus is not None:
            self.bus.relay_broadcast(scope, name, message, binary)
        return self.broadcast_here(scope, name, message, sender, binary)

    def broadcast_here(
        self,
        scope: str,
        name: str,
        message: dict[str, Any],
        sender: Channel | None,
        binary: bytes | None = None,
    ) -> int:
        """A broadcast to the channels joined to `name` in `scope` on this process."""
        sent = 0
        for channel in self.members(scope, name):
            if channel is sender and not channel.self_broadcast:
                continue
            if binary is not None and channel.session.vsn != "2.0.0":
                continue  # raw bytes have no 1.0.0 form
            channel.session.send(
                Frame(channel.topic, "broadcast", message, None, None, binary=binary),
                channel.scope,
                f"broadcast {message.get('event')} on {name}",
            )
            sent += 1
        return sent

    def presence_state(self, scope: str, name: str) -> dict[str, Any]:
        """Who is tracked in the room: here, and on the other processes of a shared store."""
        state: dict[str, Any] = {}
        tracked = [
            (c.presence_key, self._meta(c)) for c in self.members(scope, name) if c.tracked is not None
        ]
        if self.bus is not None:
            tracked += self.bus.presence_elsewhere(scope, name)
        for key, meta in tracked:
            state.setdefault(key, {"metas": []})["metas"].append(meta)
        return state

    def track(self, channel: Channel, payload: dict[str, Any]) -> None:
        leaves = self._presence_of(channel) if channel.tracked is not None else {}
        gone = channel.presence_ref if channel.tracked is not None else None
        channel.tracked = payload
        channel.presence_ref = uuid.uuid4().hex[:16]
        joins = self._presence_of(channel)
        self._presence_diff(channel, joins=joins, leaves=leaves)
        if self.bus is not None:
            self.bus.relay_presence(channel.scope, channel.name, joins, leaves, gone=gone)

    def untrack(self, channel: Channel) -> None:
        if channel.tracked is None:
            return
        leaves = self._presence_of(channel)
        channel.tracked = None
        self._presence_diff(channel, joins={}, leaves=leaves)
        if self.bus is not None:
            self.bus.relay_presence(channel.scope, channel.name, {}, leaves, gone=channel.presence_ref)

    def _presence_of(self, channel: Channel) -> dict[str, Any]:
        return {channel.presence_key: {"metas": [self._meta(channel)]}}

    @staticmethod
    def _meta(channel: Channel) -> dict[str, Any]:
        return {**(channel.tracked or {}), "phx_ref": channel.presence_ref}

    def _presence_diff(self, source: Channel, joins: dict[str, Any], leaves: dict[str, Any]) -> None:
        self.presence_diff_here(source.scope, source.name, joins, leaves)

    def presence_diff_here(
        self, scope: str, name: str, joins: dict[str, Any], leaves: dict[str, Any]
    ) -> None:
        """A presence change told to the room's members on this process (from here or another)."""
        for channel in self.members(scope, name):
            if channel.presence_enabled:
                channel.push("presence_diff", {"joins": joins, "leaves": leaves})

    # --- the journal ----------------------------------------------------------------------

    def note(
        self,
        token: str,
        what: str,
        *,
        status: int | None = 101,
        refused: bool = False,
        injected: tuple[str, ...] = (),
    ) -> None:
        """A socket session's step in the sandbox's journal (opened, joined, delivered, closed)."""
        if self._journal is None or not token:
            return
        moment = time.time()  # the entry itself is built when the journal is read
        self._journal.record(
            token,
            lambda: JournalEntry(
                request_id=str(uuid.uuid4()),
                at=datetime.fromtimestamp(moment, UTC),
                method="WEBSOCKET",
                path=WS_PATH,
                query="",
                operation_id=None,
                status=status,
                duration_ms=0.0,
                validation="rejected" if refused else "passed",
                reason=what,
                injected=injected,
            ),
        )


def scope_rules(lookup: Callable[[str], Sandbox | None]) -> Callable[[str], list[Any]]:
    """The fault rules of a scope's sandbox (none for the anonymous scope)."""

    def rules(scope: str) -> list[Any]:
        sandbox = lookup(scope) if scope else None
        return list(sandbox.extras.fault_rules) if sandbox is not None else []

    return rules
