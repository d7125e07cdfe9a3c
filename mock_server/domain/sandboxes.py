"""A sandbox's life: made empty or from a named scenario, reset to where it began, snapshotted and
restored by name, deleted. Scenarios come from a ScenarioSource (seeding.py gives the fixtures one)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID, uuid4

from ..store.sandbox import Sandbox, SandboxRegistry, Snapshot
from ..store.serialise import sandbox_from_state, sandbox_state
from .errors import DomainError

EMPTY = "empty"
MAX_SNAPSHOTS = 50
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9._~-]{8,128}$")


@dataclass(frozen=True)
class ScenarioInfo:
    name: str
    title: str
    description: str


class ScenarioSource(Protocol):
    def scenarios(self) -> list[ScenarioInfo]: ...

    def build(self, name: str, token: str, user_id: UUID) -> Sandbox:
        """A new sandbox filled from scenario `name`; KeyError when there is no such scenario."""
        ...


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


class SandboxLifecycle:
    def __init__(self, sandboxes: SandboxRegistry, scenarios: ScenarioSource) -> None:
        self._sandboxes = sandboxes
        self._scenarios = scenarios

    def scenarios(self) -> list[ScenarioInfo]:
        return self._scenarios.scenarios()

    def create(self, scenario: str = EMPTY, token: str | None = None) -> Sandbox:
        token = token or new_token()
        if not TOKEN_PATTERN.match(token):
            raise DomainError("VALIDATION_FAILED", "token: 8–128 of A–Z a–z 0–9 . _ ~ -", field="body.token")
        if self._sandboxes.by_token(token) is not None:
            raise DomainError(
                "SANDBOX_TOKEN_TAKEN", f"A sandbox with token {token!r} exists.", field="body.token"
            )
        sandbox = self._build(scenario, token, uuid4())
        return self._sandboxes.add(sandbox)

    def reset(self, sandbox: Sandbox) -> Sandbox:
        """Back to the scenario it was made from; the token, the user and the snapshots stay."""
        sandbox.take_state_of(self._build(sandbox.origin, sandbox.token, sandbox.user_id))
        return sandbox

    def delete(self, sandbox: Sandbox) -> None:
        self._sandboxes.remove(sandbox.token)

    def snapshot(self, sandbox: Sandbox, name: str) -> tuple[Snapshot, bool]:
        """Keep the sandbox's state under `name`; (snapshot, True) when the name is new."""
        created = name not in sandbox.snapshots
        if created and len(sandbox.snapshots) >= MAX_SNAPSHOTS:
            raise DomainError(
                "TOO_MANY_SNAPSHOTS", f"A sandbox keeps at most {MAX_SNAPSHOTS} snapshots; delete one first."
            )
        snapshot = Snapshot(name=name, taken_at=sandbox.clock.now(), state=sandbox_state(sandbox))
        sandbox.snapshots[name] = snapshot
        return snapshot, created

    def restore(self, sandbox: Sandbox, name: str) -> Sandbox:
        snapshot = self._snapshot(sandbox, name)
        sandbox.take_state_of(sandbox_from_state(sandbox.token, sandbox.user_id, snapshot.state))
        return sandbox

    def delete_snapshot(self, sandbox: Sandbox, name: str) -> None:
        self._snapshot(sandbox, name)
        del sandbox.snapshots[name]

    def _snapshot(self, sandbox: Sandbox, name: str) -> Snapshot:
        snapshot = sandbox.snapshots.get(name)
        if snapshot is None:
            raise DomainError("SNAPSHOT_NOT_FOUND", f"The sandbox has no snapshot {name!r}.", field="name")
        return snapshot

    def _build(self, scenario: str, token: str, user_id: UUID) -> Sandbox:
        try:
            sandbox = self._scenarios.build(scenario, token, user_id)
        except KeyError as exc:
            known = ", ".join(info.name for info in self._scenarios.scenarios())
            raise DomainError(
                "SCENARIO_NOT_FOUND", f"No scenario {scenario!r}; known: {known}.", field="body.scenario"
            ) from exc
        sandbox.origin = scenario
        sandbox.extras.checked_until = sandbox.clock.now()
        return sandbox
