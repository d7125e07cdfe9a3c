"""A sandbox's life: made empty or from a named scenario, reset to where it began, snapshotted and
restored by name, deleted, expired when idle. Scenarios come from a ScenarioSource (seeding.py gives
the fixtures one).

Within the limits of a shared mock (limits.py), and with the demo users protected: their sandboxes
may be reset and restored by anyone holding their token, but deleted, made anew, or their seeded
snapshot replaced only by the operator (`--admin-token`).

Building a scenario or a snapshot can take long for a big world; the handlers run those steps in a
worker thread (`prepare_*`, `build`, `capture`: they read only what they are given) and apply the
result on the event loop (`finish_*`), so no half-built sandbox is ever visible. A scenario source
may offer to build in another process (`elsewhere`): that process sends the sandbox's state, which
the worker thread turns into the sandbox (`built_elsewhere`), as the same build here would have made it."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID, uuid4

from ..packs.base import clock_started, image_locations
from ..store.json_pieces import Pieces, from_pieces
from ..store.sandbox import Sandbox, SandboxRegistry, Snapshot
from ..store.serialise import sandbox_from_state, sandbox_state
from .errors import DomainError
from .images import ImageStore, image_id
from .limits import SandboxLimits, StorageBudget

EMPTY = "empty"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9._~-]{8,128}$")


@dataclass(frozen=True)
class ScenarioInfo:
    name: str
    title: str
    description: str


class ScenarioSource(Protocol):
    """May also have `elsewhere(name, token, user_id) -> BuildElsewhere`: the build of `name` as
    `build` would make it now, for another process to run."""

    def scenarios(self) -> list[ScenarioInfo]: ...

    def build(self, name: str, token: str, user_id: UUID) -> Sandbox:
        """A new sandbox filled from scenario `name`; KeyError when there is no such scenario."""
        ...


@dataclass(frozen=True)
class Built:
    """A sandbox built in another process: its state (store/serialise.py) in pieces, and what the
    build taught the world beside it (for `BuildElsewhere.learn`)."""

    state: Pieces
    learnt: Any = None


@dataclass(frozen=True)
class BuildElsewhere:
    """A scenario build another process can run: `run(*args)` — a module-level function, its
    arguments plain data — returns the `Built` sandbox, or None when there is no such scenario;
    `learn(built.learnt)` then tells this process's world what the build taught it."""

    run: Callable[..., Built | None]
    args: tuple[Any, ...]
    learn: Callable[[Any], None] = lambda learnt: None


class EmptyOnly:
    """The one scenario a world without fixtures knows."""

    def scenarios(self) -> list[ScenarioInfo]:
        return [ScenarioInfo(EMPTY, "Empty", "A new owner with nothing linked yet.")]

    def build(self, name: str, token: str, user_id: UUID) -> Sandbox:
        if name != EMPTY:
            raise KeyError(name)
        return Sandbox(token=token, user_id=user_id, display_name="Ny Bruker", email="ny.bruker@example.com")


def new_token() -> str:
    return "sbx-" + secrets.token_urlsafe(18)


@dataclass
class PendingSandbox:
    """A sandbox being built: its token is held, and it counts toward the limit, until it is added."""

    scenario: str
    token: str
    user_id: UUID = field(default_factory=uuid4)


class SandboxLifecycle:
    def __init__(
        self,
        sandboxes: SandboxRegistry,
        scenarios: ScenarioSource,
        *,
        limits: SandboxLimits | None = None,
        images: ImageStore | None = None,
        budget: StorageBudget | None = None,
        forget: Callable[[str], None] = lambda token: None,
    ) -> None:
        self._sandboxes = sandboxes
        self._scenarios = scenarios
        self.limits = limits or SandboxLimits()
        self._images = images
        self.budget = budget or StorageBudget(self.limits.storage_budget_bytes)
        self.budget.count(self.snapshot_bytes)
        # What else a removed sandbox leaves behind (its journal, its fault streams).
        self._forget = forget
        self._pending: dict[str, PendingSandbox] = {}
        # Demo tokens, and for each the snapshot names only the operator may replace or delete.
        self._protected: dict[str, frozenset[str]] = {}
        # With a store several processes share: of the given tokens, those another process used
        # within the given seconds (they are not idle, whatever this process saw).
        self.used_elsewhere: Callable[[list[str], float], set[str]] | None = None
        # With such a store: the tokens of every sandbox of the world (some made by other processes).
        self.kept_elsewhere: Callable[[], set[str]] | None = None
        # With such a store: make the sandbox of a token held here the stored one (or drop it).
        self.refresh_from_store: Callable[[str], object] | None = None

    def use_scenarios(self, scenarios: ScenarioSource) -> None:
        """Where sandboxes are built from from now on (build_world: once the packs' services exist)."""
        self._scenarios = scenarios

    def scenarios(self) -> list[ScenarioInfo]:
        return self._scenarios.scenarios()

    # --- protection ------------------------------------------------------------------------------

    def protect(self, token: str, snapshots: Iterable[str] = ()) -> None:
        self._protected[token] = frozenset(snapshots)

    def is_protected(self, token: str) -> bool:
        return token in self._protected

    def _refuse_unless(self, operator: bool, token: str, what: str) -> None:
        if token in self._protected and not operator:
            raise DomainError(
                "SANDBOX_PROTECTED",
                f"{token} is a shared demo sandbox: {what} needs the operator's X-Mock-Admin-Token. "
                "Reset it (POST /__mock/sandbox/reset) or make a sandbox of your own instead.",
            )

    # --- making ----------------------------------------------------------------------------------

    def create(self, scenario: str = EMPTY, token: str | None = None, *, operator: bool = False) -> Sandbox:
        """All in one step, on the caller's thread (seeding, tests)."""
        pending = self.prepare_create(scenario, token, operator=operator)
        try:
            return self.finish_create(pending, self.build(pending.scenario, pending.token, pending.user_id))
        finally:
            self.abandon(pending)

    def prepare_create(
        self, scenario: str = EMPTY, token: str | None = None, *, operator: bool = False
    ) -> PendingSandbox:
        """Check the request and hold the token; raises before anything is built."""
        token = token or new_token()
        if not TOKEN_PATTERN.match(token):
            raise DomainError("VALIDATION_FAILED", "token: 8–128 of A–Z a–z 0–9 . _ ~ -", field="body.token")
        self._check_known(scenario)
        if self.refresh_from_store is not None:  # deleted by another process, maybe, since held here
            self.refresh_from_store(token)
        if self._sandboxes.by_token(token) is not None or token in self._pending:
            raise DomainError(
                "SANDBOX_TOKEN_TAKEN", f"A sandbox with token {token!r} exists.", field="body.token"
            )
        self._refuse_unless(operator, token, "making it anew")
        self.expire_idle()
        if not operator and self.user_sandboxes() >= self.limits.max_sandboxes:
            expiry = self.limits.idle_expiry_seconds
            later = f" or wait: sandboxes idle for {_duration(expiry)} are deleted" if expiry else ""
            raise DomainError(
                "SANDBOX_LIMIT_REACHED",
                f"The mock holds {self.limits.max_sandboxes} sandboxes, its limit (--max-sandboxes). "
                f"Delete one you no longer need (DELETE /__mock/sandbox){later}.",
            )
        pending = PendingSandbox(scenario, token)
        self._pending[token] = pending
        return pending

    def finish_create(self, pending: PendingSandbox, sandbox: Sandbox) -> Sandbox:
        self._pending.pop(pending.token, None)
        return self._sandboxes.add(sandbox)

    def abandon(self, pending: PendingSandbox) -> None:
        if self._pending.get(pending.token) is pending:
            del self._pending[pending.token]

    def user_sandboxes(self) -> int:
        """Sandboxes that count toward --max-sandboxes: all but the demo users', building ones included."""
        if self.kept_elsewhere is not None:  # a store several processes share counts for all
            tokens = self.kept_elsewhere()
        else:
            tokens = {sandbox.token for sandbox in self._sandboxes}
        return len(tokens - self._protected.keys()) + len(self._pending)

    def build(self, scenario: str, token: str, user_id: UUID) -> Sandbox:
        """A new sandbox from `scenario`. Reads nothing shared that changes: safe in a worker thread."""
        try:
            sandbox = self._scenarios.build(scenario, token, user_id)
        except KeyError as exc:
            raise self._unknown(scenario) from exc
        return _made_from(scenario, sandbox)

    def build_elsewhere(self, scenario: str, token: str, user_id: UUID) -> BuildElsewhere | None:
        """The build of `scenario` for another process to run, if the source can give one. On the loop:
        what it reads of the world is copied now."""
        elsewhere = getattr(self._scenarios, "elsewhere", None)
        return elsewhere(scenario, token, user_id) if elsewhere is not None else None

    def built_elsewhere(
        self, scenario: str, token: str, user_id: UUID, job: BuildElsewhere, built: Built | None
    ) -> Sandbox:
        """The sandbox `job` built in another process, made here (in the worker thread)."""
        if built is None:
            raise self._unknown(scenario)
        job.learn(built.learnt)
        return _made_from(scenario, sandbox_from_state(token, user_id, from_pieces(built.state)))

    # --- reset, restore, delete ------------------------------------------------------------------

    def reset(self, sandbox: Sandbox) -> Sandbox:
        """Back to the scenario it was made from; the token, the user and the snapshots stay."""
        self.finish_rebuild(sandbox, self.build(sandbox.origin, sandbox.token, sandbox.user_id))
        return sandbox

    def restore(self, sandbox: Sandbox, name: str) -> Sandbox:
        snapshot = self.find_snapshot(sandbox, name)
        self.finish_rebuild(sandbox, restored(sandbox, snapshot))
        return sandbox

    def finish_rebuild(self, sandbox: Sandbox, fresh: Sandbox) -> Sandbox:
        """`sandbox` becomes `fresh` (built by `build` or `restored`) in one step, on the loop.
        Returns a shell holding the state it had, for the caller to free where it holds no one up."""
        retired = Sandbox(token=sandbox.token, user_id=sandbox.user_id, display_name="", email="")
        retired.take_state_of(sandbox)
        sandbox.take_state_of(fresh)
        self._collect_images()
        return retired

    def delete(self, sandbox: Sandbox, *, operator: bool = False) -> None:
        self._refuse_unless(operator, sandbox.token, "deleting it")
        self._remove(sandbox.token)
        self._collect_images()

    def expire_idle(self, now: float | None = None) -> list[str]:
        """Delete the sandboxes no request has used for the idle expiry; their tokens."""
        expiry = self.limits.idle_expiry_seconds
        if expiry is None:
            return []
        cutoff = (time.monotonic() if now is None else now) - expiry
        idle = [
            sandbox.token
            for sandbox in self._sandboxes
            if sandbox.last_used < cutoff and sandbox.token not in self._protected
        ]
        if idle and self.used_elsewhere is not None:
            busy = self.used_elsewhere(idle, expiry)
            for token in busy:
                found = self._sandboxes.peek(token)
                if found is not None:
                    found.last_used = time.monotonic()
            idle = [token for token in idle if token not in busy]
        for token in idle:
            self._remove(token)
        if idle:
            self._collect_images()
        return idle

    def forget_held(self, token: str) -> None:
        """The sandbox was deleted elsewhere (another process sharing the store): forget it here."""
        self._sandboxes.remove(token)
        self._forget(token)

    def _remove(self, token: str) -> None:
        self._sandboxes.remove(token)
        self._forget(token)

    # --- snapshots -------------------------------------------------------------------------------

    def check_snapshot(self, sandbox: Sandbox, name: str, *, operator: bool = False) -> None:
        """May `name` be taken now? Raises before the (possibly long) capture starts."""
        self._check_snapshot_name(sandbox, name, operator)
        self.expire_idle()
        if name not in sandbox.snapshots and len(sandbox.snapshots) >= self.limits.max_snapshots:
            raise DomainError(
                "TOO_MANY_SNAPSHOTS",
                f"A sandbox keeps at most {self.limits.max_snapshots} snapshots; delete one first.",
            )

    def finish_snapshot(
        self, sandbox: Sandbox, snapshot: Snapshot, *, operator: bool = False
    ) -> tuple[Snapshot, bool]:
        """Keep a captured snapshot; (snapshot, True) when the name is new."""
        self.check_snapshot(sandbox, snapshot.name, operator=operator)
        replaced = sandbox.snapshots.get(snapshot.name)
        freed = replaced.stored_bytes if replaced is not None else 0
        if not operator:
            self.budget.check(snapshot.stored_bytes - freed, f"snapshot {snapshot.name!r}")
        sandbox.snapshots[snapshot.name] = snapshot
        if replaced is not None:
            self._collect_images()
        return snapshot, replaced is None

    def snapshot(self, sandbox: Sandbox, name: str, *, operator: bool = False) -> tuple[Snapshot, bool]:
        """Keep the sandbox's state under `name`; (snapshot, True) when the name is new."""
        self.check_snapshot(sandbox, name, operator=operator)
        return self.finish_snapshot(sandbox, capture(sandbox, name), operator=operator)

    def delete_snapshot(self, sandbox: Sandbox, name: str, *, operator: bool = False) -> None:
        self.find_snapshot(sandbox, name)
        self._check_snapshot_name(sandbox, name, operator)
        del sandbox.snapshots[name]
        self._collect_images()

    def find_snapshot(self, sandbox: Sandbox, name: str) -> Snapshot:
        snapshot = sandbox.snapshots.get(name)
        if snapshot is None:
            raise DomainError("SNAPSHOT_NOT_FOUND", f"The sandbox has no snapshot {name!r}.", field="name")
        return snapshot

    def snapshot_bytes(self) -> int:
        return sum(s.stored_bytes for sandbox in self._sandboxes for s in sandbox.snapshots.values())

    def _check_snapshot_name(self, sandbox: Sandbox, name: str, operator: bool) -> None:
        if name in self._protected.get(sandbox.token, ()) and name in sandbox.snapshots and not operator:
            raise DomainError(
                "SANDBOX_PROTECTED",
                f"Snapshot {name!r} of the demo sandbox {sandbox.token} brings its seeded world back for "
                "everyone: replacing or deleting it needs the operator's X-Mock-Admin-Token. Take a "
                "snapshot under another name.",
            )

    # --- helpers ---------------------------------------------------------------------------------

    def _collect_images(self) -> None:
        if self._images is not None:
            self._images.collect()

    def _check_known(self, scenario: str) -> None:
        if scenario not in {info.name for info in self._scenarios.scenarios()}:
            raise self._unknown(scenario)

    def _unknown(self, scenario: str) -> DomainError:
        known = ", ".join(info.name for info in self._scenarios.scenarios())
        return DomainError(
            "SCENARIO_NOT_FOUND", f"No scenario {scenario!r}; known: {known}.", field="body.scenario"
        )


def image_ids_in_use(sandboxes: Iterable[Sandbox]) -> set[str]:
    """Our uploaded images that a vehicle of a sandbox, or of one of its snapshots, shows."""
    ids = set()
    for sandbox in sandboxes:
        ids.update(filter(None, map(image_id, image_locations(sandbox))))
    return ids


def capture(sandbox: Sandbox, name: str) -> Snapshot:
    """The sandbox's state as a snapshot, weighed. Runs in a worker thread while nothing else
    touches the sandbox (see control/gate.py)."""
    snapshot = Snapshot(name=name, taken_at=sandbox.clock.now(), state=sandbox_state(sandbox))
    _ = snapshot.stored_bytes
    return snapshot


def restored(sandbox: Sandbox, snapshot: Snapshot) -> Sandbox:
    """A new sandbox built from a snapshot (which never changes): safe in a worker thread."""
    return sandbox_from_state(sandbox.token, sandbox.user_id, snapshot.state)


def _made_from(scenario: str, sandbox: Sandbox) -> Sandbox:
    sandbox.origin = scenario
    clock_started(sandbox)
    return sandbox


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)} min"
    return f"{seconds:g} s"
