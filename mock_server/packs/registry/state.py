"""The registry's part of a sandbox: how the registry misbehaves for that sandbox's callers.

The registry itself is one for the whole world (its records, keys and quota are no part of any
sandbox). What a sandbox sets with the control API (`PUT /__mock/registry-faults`: an outage, an
exhausted quota, plates scrapped or unavailable) changes the registry's answers for that sandbox
only (faulty_client.per_sandbox_client), so it is the registry's behaviour and kept here, in the
registry pack's part, not in CarOwner's: CarOwner's lookups are only one caller that sees it. Made
only when a sandbox sets faults; a sandbox without it has none (`faults_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...domain.control_models import RegistryFaults
from ...store.sandbox import Sandbox
from ..base import part_of

NAME = "registry"


@dataclass
class RegistryState:
    faults: RegistryFaults = field(default_factory=RegistryFaults)

    def to_json(self) -> dict[str, Any]:
        return {"faults": self.faults.to_dict()}


def state_from_json(raw: Mapping[str, Any]) -> RegistryState:
    return RegistryState(RegistryFaults.from_dict(dict(raw.get("faults", {}))))


def faults_of(sandbox: Sandbox) -> RegistryFaults:
    """The registry faults set for the sandbox (none set: none), without making its part."""
    state = sandbox.packs.get(NAME)
    return state.faults if state is not None else RegistryFaults()


def set_faults(sandbox: Sandbox, faults: RegistryFaults) -> None:
    part_of(sandbox, NAME, RegistryState).faults = faults
