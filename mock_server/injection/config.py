"""Global faults from the command line and from a config file (`--faults FILE.yaml`).

A config file holds fault rules and registry faults:

    faults:
      - "GET /api/co/vehicles: delay=uniform(100ms,300ms) error=0.1:503"
      - "linkVehicle: error=5%:REGISTRY_UNAVAILABLE"
    registry:                      # as PUT /__mock/sandbox/registry-faults, for everyone
      quota_exhausted: true
      quota_status: 422

`--registry-fault` takes the same registry faults one at a time: `outage`, `quota` (used up),
`quota-status=422`, `slow=800ms`, `unavailable=PLATE`, `scrapped=PLATE`, `deregistered=PLATE`,
`owner-change=PLATE`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..domain.control_models import RegistryFaults
from .rules import RuleError, parse_duration

_PLATE_FAULTS = {
    "unavailable": "unavailable_plates",
    "scrapped": "scrapped_plates",
    "deregistered": "deregistered_plates",
    "owner-change": "owner_changed_plates",
}


class FaultConfigError(ValueError):
    """A config file or flag that cannot be read; the message says where."""


def load_fault_file(path: Path) -> tuple[list[str], dict[str, Any]]:
    """(fault rules, registry faults as a dict) from a YAML file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise FaultConfigError(f"{path}: {error}") from error
    if not isinstance(raw, dict) or set(raw) - {"faults", "registry"}:
        raise FaultConfigError(f"{path}: expected a mapping with 'faults' and/or 'registry'")
    rules = raw.get("faults") or []
    if not isinstance(rules, list) or not all(isinstance(rule, str) for rule in rules):
        raise FaultConfigError(f"{path}: 'faults' must be a list of rules (strings)")
    registry = raw.get("registry") or {}
    if not isinstance(registry, dict):
        raise FaultConfigError(f"{path}: 'registry' must be a mapping")
    return rules, registry


def registry_faults(base: dict[str, Any], flags: Iterable[str]) -> RegistryFaults:
    """`base` (from a file) with the `--registry-fault` flags applied on top."""
    data: dict[str, Any] = {
        key: list(value) if isinstance(value, list) else value for key, value in base.items()
    }
    for flag in flags:
        name, _, value = flag.partition("=")
        if name == "outage" and not value:
            data["outage"] = True
        elif name == "quota" and not value:
            data["quota_exhausted"] = True
        elif name == "quota-status" and value in ("422", "429"):
            data["quota_status"] = int(value)
        elif name == "slow" and value:
            try:
                data["delay_ms"] = round(parse_duration(value) * 1000)
            except RuleError as error:
                raise FaultConfigError(f"--registry-fault {flag}: {error}") from error
        elif name in _PLATE_FAULTS and value:
            data.setdefault(_PLATE_FAULTS[name], []).append(value)
        else:
            raise FaultConfigError(
                f"--registry-fault {flag!r}: use outage, quota, quota-status=422|429, slow=DURATION, "
                "unavailable=PLATE, scrapped=PLATE, deregistered=PLATE or owner-change=PLATE"
            )
    try:
        return RegistryFaults.from_dict(data)
    except (ValueError, TypeError) as error:
        raise FaultConfigError(f"registry faults: {error}") from error
