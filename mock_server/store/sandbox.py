"""Sandboxes: each bearer token owns one isolated world. Nothing is shared between them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property
from typing import Any
from uuid import UUID

from ..domain.clock import SandboxClock
from ..domain.control_models import SandboxExtras
from ..domain.live import LiveEvent, no_listener
from .json_pieces import compact_size


@dataclass(frozen=True)
class Snapshot:
    """A named copy of a sandbox's state (see store/serialise.py), taken at `taken_at` sandbox time."""

    name: str
    taken_at: datetime
    state: dict[str, Any]

    @cached_property
    def stored_bytes(self) -> int:
        """How much the snapshot weighs as stored (compact JSON); it counts toward the storage budget.
        Weighed in pieces: one orjson call over a big sandbox would hold the GIL for milliseconds."""
        return compact_size(self.state)


# Identity and bookkeeping that a restore or reset keeps; every other field is the sandbox's state.
_KEPT_ON_RESTORE = frozenset(
    {"token", "user_id", "display_name", "email", "snapshots", "lock", "last_used", "live"}
)


@dataclass
class Sandbox:
    token: str
    user_id: UUID
    display_name: str
    email: str
    clock: SandboxClock = field(default_factory=SandboxClock)
    # The scenario the sandbox was made from; a reset builds it again from there.
    origin: str = "empty"
    # The engine's controls of the sandbox (its fault rules).
    extras: SandboxExtras = field(default_factory=SandboxExtras)
    # Every API's part of this world, by pack name (mock_server/packs): CarOwner's vehicles and
    # service log, a fleet, say. The engine knows none of them but as PackState.
    packs: dict[str, Any] = field(default_factory=dict)
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    # Serialises mutations that wait on the registry, so no two requests interleave half-way.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    # When a request last named this sandbox (time.monotonic()): idle sandboxes expire.
    last_used: float = field(default_factory=time.monotonic, repr=False, compare=False)
    # Where the sandbox's live events go (domain/live.py): the Realtime hub once the registry holds it.
    live: Callable[[Sandbox, LiveEvent], None] = field(default=no_listener, repr=False, compare=False)

    def take_state_of(self, other: Sandbox) -> None:
        """Become `other` in everything but identity and snapshots (restore, reset), in place, so
        every holder of this sandbox sees the change."""
        for item in fields(self):
            if item.name not in _KEPT_ON_RESTORE:
                setattr(self, item.name, getattr(other, item.name))


class SandboxRegistry:
    def __init__(
        self,
        credential_values: Callable[[Sandbox], Iterable[str]] = lambda sandbox: (),
        live: Callable[[Sandbox, LiveEvent], None] | None = None,
    ) -> None:
        # Every sandbox added sends its live events here (the Realtime hub); None: nowhere.
        self._live = live
        self._by_token: dict[str, Sandbox] = {}
        self._by_user: dict[UUID, Sandbox] = {}
        # The other APIs' credentials of each sandbox (a Navixy session hash, say) -> its token.
        self._credential_values = credential_values
        self._by_credential: dict[str, str] = {}
        # With a store shared by several processes (store/postgres_state.py): asked for a token not
        # held here (another process may have made it), and told of an unknown credential.
        self.on_miss: Callable[[str], Sandbox | None] | None = None
        self.on_unknown_credential: Callable[[], None] | None = None

    def add(self, sandbox: Sandbox) -> Sandbox:
        if sandbox.token in self._by_token:
            raise ValueError(f"a sandbox for token {sandbox.token!r} exists")
        self._by_token[sandbox.token] = sandbox
        if self._live is not None:
            sandbox.live = self._live
        self._by_user[sandbox.user_id] = sandbox
        for value in self._credential_values(sandbox):
            self._by_credential[value] = sandbox.token
        return sandbox

    def by_credential(self, value: str) -> Sandbox | None:
        """The sandbox one of whose API credentials is `value`; finding it counts as using it."""
        token = self._by_credential.get(value)
        if token is None and self.on_unknown_credential is not None:
            self.on_unknown_credential()
            token = self._by_credential.get(value)
        return self.by_token(token) if token is not None else None

    def by_token(self, token: str) -> Sandbox | None:
        """The sandbox of `token`; finding it for a request counts as using it."""
        sandbox = self._by_token.get(token)
        if sandbox is None and self.on_miss is not None:
            sandbox = self.on_miss(token)
        if sandbox is not None:
            sandbox.last_used = time.monotonic()
        return sandbox

    def peek(self, token: str) -> Sandbox | None:
        """The sandbox of `token` held here, without counting it as used or asking a store."""
        return self._by_token.get(token)

    def by_user(self, user_id: UUID) -> Sandbox | None:
        return self._by_user.get(user_id)

    def remove(self, token: str) -> None:
        sandbox = self._by_token.pop(token, None)
        if sandbox is not None:
            self._by_user.pop(sandbox.user_id, None)
            for value in self._credential_values(sandbox):
                self._by_credential.pop(value, None)

    def __iter__(self) -> Iterator[Sandbox]:
        return iter(list(self._by_token.values()))

    def __len__(self) -> int:
        return len(self._by_token)
