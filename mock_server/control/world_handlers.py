"""Control handlers for the engine's fault rules and the request journal: thin adapters by
operationId. The workshop side and the notification outbox are CarOwner's, the registry faults the
registry's: each pack adds its own (ApiPack.controls)."""

from __future__ import annotations

from typing import Any

from ..domain.control_models import FaultRuleRecord
from ..domain.errors import DomainError
from ..injection import FaultInjector, RuleError
from ..journal import RequestJournal
from ..resolution import sandbox_of
from ..store.sandbox import SandboxRegistry
from . import representations as rep

MAX_RULES = 50


class WorldHandlers:
    def __init__(
        self,
        sandboxes: SandboxRegistry,
        injector: FaultInjector,
        journal: RequestJournal,
    ) -> None:
        self._sandboxes = sandboxes
        self._injector = injector
        self._journal = journal

    # --- faults ---------------------------------------------------------------------------------

    async def listFaultRules(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        return rep.ok(
            {
                "rules": [rep.fault_rule(r) for r in sandbox.extras.fault_rules],
                "global_rules": [rule.text for rule in self._injector.global_rules],
            }
        )

    async def addFaultRule(self, user: str, body: dict[str, Any]):
        sandbox = sandbox_of(self._sandboxes, user)
        try:
            rule = self._injector.parse(body["rule"])
        except RuleError as error:
            raise DomainError("INVALID_FAULT_RULE", str(error), field="rule") from error
        if len(sandbox.extras.fault_rules) >= MAX_RULES:
            raise DomainError("INVALID_FAULT_RULE", f"A sandbox has at most {MAX_RULES} rules.", field="rule")
        record = FaultRuleRecord(
            id=f"rule-{sandbox.extras.next_number()}",
            rule=rule.text,
            seed=body.get("seed", self._injector.seed),
            created_at=sandbox.clock.now(),
        )
        sandbox.extras.fault_rules.append(record)
        return rep.ok(rep.fault_rule(record), 201)

    async def clearFaultRules(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        sandbox.extras.fault_rules.clear()
        self._injector.forget(sandbox.token)
        return rep.no_content()

    async def getJournal(self, user: str, limit: int = 50):
        sandbox = sandbox_of(self._sandboxes, user)
        return rep.ok(
            {"entries": [rep.journal_entry(e) for e in await self._journal.gathered(sandbox.token, limit)]}
        )
