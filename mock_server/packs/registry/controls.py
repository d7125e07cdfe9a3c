"""The registry's operations of the control API (control.yaml, tag Faults): the registry faults a
sandbox sets (an outage, an exhausted quota, plates scrapped or unavailable), which change the
registry's answers for that sandbox's callers only. Also the registry's member of the engine's
Sandbox shape (`control_view`)."""

from __future__ import annotations

from typing import Any

from ...control import representations as rep
from ...domain.control_models import RegistryFaults
from ...domain.errors import DomainError
from ...resolution import sandbox_of
from ...store.sandbox import Sandbox, SandboxRegistry
from .state import faults_of, set_faults


class RegistryFaultControls:
    def __init__(self, sandboxes: SandboxRegistry) -> None:
        self._sandboxes = sandboxes

    async def getRegistryFaults(self, user: str):
        return rep.ok(faults_of(sandbox_of(self._sandboxes, user)).to_dict())

    async def setRegistryFaults(self, user: str, body: dict[str, Any]):
        sandbox = sandbox_of(self._sandboxes, user)
        try:
            faults = RegistryFaults.from_dict(body)
        except ValueError as error:
            raise DomainError("VALIDATION_FAILED", str(error), field="body") from error
        set_faults(sandbox, faults)
        return rep.ok(faults.to_dict())


def control_view(sandbox: Sandbox) -> dict[str, Any]:
    """The registry faults set for the sandbox, in control.yaml's Sandbox."""
    return {"registry_faults": faults_of(sandbox).to_dict()}
