"""Control handlers for the Sandboxes and Time tags: thin adapters by operationId.

Building a scenario, restoring a snapshot and taking one can take long for a big world: those run
in the build worker (a build process and one thread, one at a time) and their result is applied
on the event loop, so every other client is served meanwhile (see control/build_worker.py,
domain/sandboxes.py and sandbox_gate.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..domain.errors import DomainError
from ..domain.sandboxes import EMPTY, SandboxLifecycle, capture, restored
from ..injection import FaultInjector
from ..journal import RequestJournal
from ..packs.base import ApiPack, time_passed
from ..resolution import sandbox_of
from ..sandbox_gate import SandboxGate
from ..store.sandbox import Sandbox, SandboxRegistry
from . import representations as rep
from .build_worker import BuildWorker
from .operator import Operator

MAX_CLOCK_OFFSET = timedelta(days=365 * 100)


class SandboxHandlers:
    def __init__(
        self,
        sandboxes: SandboxRegistry,
        lifecycle: SandboxLifecycle,
        journal: RequestJournal,
        injector: FaultInjector,
        *,
        gate: SandboxGate | None = None,
        operator: Operator | None = None,
        credentials: Callable[[Sandbox], dict[str, dict[str, str]]] = rep.carowner_credentials,
        worker: BuildWorker | None = None,
        packs: tuple[ApiPack, ...] = (),
    ) -> None:
        self._sandboxes = sandboxes
        self._lifecycle = lifecycle
        self._journal = journal
        self._injector = injector
        self._gate = gate or SandboxGate()
        self._operator = operator or Operator(None)
        self._worker = worker or BuildWorker()
        self._credentials = credentials
        self._packs = packs  # the APIs served: each sends what falls due as the clock moves

    async def createSandbox(self, body: dict[str, Any] | None = None):
        # No body at all (not even a Content-Type) reaches here as bytes: it means "empty".
        body = body if isinstance(body, dict) else {}
        pending = self._lifecycle.prepare_create(
            body.get("scenario", EMPTY), body.get("token"), operator=self._operator.is_caller()
        )
        try:
            scenario, token, user_id = pending.scenario, pending.token, pending.user_id
            built = await self._worker.build(self._lifecycle, scenario, token, user_id)
            sandbox = self._lifecycle.finish_create(pending, built)
        finally:
            self._lifecycle.abandon(pending)
        return rep.ok(rep.sandbox(sandbox, self._credentials(sandbox)), 201)

    async def listScenarios(self):
        return rep.ok({"scenarios": [rep.scenario(info) for info in self._lifecycle.scenarios()]})

    async def getSandbox(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        time_passed(sandbox, self._packs)
        return rep.ok(rep.sandbox(sandbox, self._credentials(sandbox)))

    async def deleteSandbox(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        self._lifecycle.delete(sandbox, operator=self._operator.is_caller())
        self._worker.retire(sandbox)
        del sandbox  # the worker frees it
        return rep.no_content()

    async def resetSandbox(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        async with sandbox.lock:
            fresh = await self._worker.build(self._lifecycle, sandbox.origin, sandbox.token, sandbox.user_id)
            self._worker.retire(self._lifecycle.finish_rebuild(sandbox, fresh))
        self._journal.forget(sandbox.token)
        self._injector.forget(sandbox.token)
        return rep.ok(rep.sandbox(sandbox, self._credentials(sandbox)))

    async def listSnapshots(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        return rep.ok({"snapshots": [rep.snapshot(s) for s in sandbox.snapshots.values()]})

    async def createSnapshot(self, user: str, body: dict[str, Any]):
        sandbox = sandbox_of(self._sandboxes, user)
        operator = self._operator.is_caller()
        self._lifecycle.check_snapshot(sandbox, body["name"], operator=operator)
        async with self._gate.alone(sandbox.token):  # nothing changes the sandbox while it is read
            taken = await self._worker.run(capture, sandbox, body["name"])
        sandbox = sandbox_of(self._sandboxes, user)  # still there?
        snapshot, created = self._lifecycle.finish_snapshot(sandbox, taken, operator=operator)
        return rep.ok(rep.snapshot(snapshot), 201 if created else 200)

    async def deleteSnapshot(self, user: str, name: str):
        self._lifecycle.delete_snapshot(
            sandbox_of(self._sandboxes, user), name, operator=self._operator.is_caller()
        )
        return rep.no_content()

    async def restoreSnapshot(self, user: str, name: str):
        sandbox = sandbox_of(self._sandboxes, user)
        async with sandbox.lock:
            snapshot = self._lifecycle.find_snapshot(sandbox, name)
            fresh = await self._worker.run(restored, sandbox, snapshot)
            self._worker.retire(self._lifecycle.finish_rebuild(sandbox, fresh))
        self._injector.forget(sandbox.token)
        return rep.ok(rep.sandbox(sandbox, self._credentials(sandbox)))

    async def getClock(self, user: str):
        return rep.ok(rep.clock(sandbox_of(self._sandboxes, user)))

    async def advanceClock(self, user: str, body: dict[str, Any]):
        sandbox = sandbox_of(self._sandboxes, user)
        if "to" in body:
            target, now = _moment(body["to"]), sandbox.clock.now()
            if target < now:
                raise DomainError(
                    "CLOCK_CANNOT_GO_BACK",
                    f"The sandbox clock is at {now.isoformat()}; it only moves forward.",
                    field="body.to",
                )
            delta = target - now
        else:
            delta = timedelta(
                days=body.get("days", 0),
                hours=body.get("hours", 0),
                minutes=body.get("minutes", 0),
                seconds=body.get("seconds", 0),
            )
        if sandbox.clock.offset + delta > MAX_CLOCK_OFFSET:
            raise DomainError(
                "CLOCK_OUT_OF_RANGE", "The sandbox clock cannot run more than 100 years ahead.", field="body"
            )
        if delta < timedelta(0):
            raise DomainError("CLOCK_CANNOT_GO_BACK", "The sandbox clock only moves forward.", field="body")
        time_passed(sandbox, self._packs)  # what fell due before the jump is dated before it
        sandbox.clock.advance(delta)
        sent = time_passed(sandbox, self._packs)
        return rep.ok({"clock": rep.clock(sandbox), "notifications": sent})


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise DomainError(
            "VALIDATION_FAILED", f"{text!r} is not an RFC 3339 date-time.", field="body.to"
        ) from exc
    if moment.tzinfo is None:
        raise DomainError("VALIDATION_FAILED", f"{text!r} has no UTC offset.", field="body.to")
    return moment
