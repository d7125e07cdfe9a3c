"""Records the mock's controls keep: injected fault rules (the engine's `SandboxExtras`) and registry
faults (the registry's part of a sandbox, or the whole world's from the command line). Plain
dataclasses: no HTTP, no storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .plates import normalise_plate

QUOTA_STATUSES = (429, 422)


@dataclass(frozen=True)
class RegistryFaults:
    """How the registry misbehaves for one sandbox (or, from the command line, for everyone).

    `delay_ms` slows every lookup; `outage` answers 503; `quota_exhausted` answers `quota_status`
    (429 as documented, or 422 as the official OpenAPI file says) with Retry-After; the plate sets
    change what the registry says about single cars."""

    outage: bool = False
    outage_retry_after: int = 60
    quota_exhausted: bool = False
    quota_status: int = 429
    delay_ms: int = 0
    unavailable_plates: frozenset[str] = frozenset()
    scrapped_plates: frozenset[str] = frozenset()
    deregistered_plates: frozenset[str] = frozenset()
    owner_changed_plates: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.quota_status not in QUOTA_STATUSES:
            allowed = " or ".join(str(status) for status in QUOTA_STATUSES)
            raise ValueError(f"quota_status must be {allowed}, not {self.quota_status}")
        if self.delay_ms < 0 or self.outage_retry_after < 1:
            raise ValueError("delay_ms must not be negative and outage_retry_after must be positive")

    @property
    def active(self) -> bool:
        return self != RegistryFaults()

    def to_dict(self) -> dict[str, Any]:
        return {
            "outage": self.outage,
            "outage_retry_after": self.outage_retry_after,
            "quota_exhausted": self.quota_exhausted,
            "quota_status": self.quota_status,
            "delay_ms": self.delay_ms,
            "unavailable_plates": sorted(self.unavailable_plates),
            "scrapped_plates": sorted(self.scrapped_plates),
            "deregistered_plates": sorted(self.deregistered_plates),
            "owner_changed_plates": sorted(self.owner_changed_plates),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RegistryFaults:
        """From the JSON shape of to_dict(); absent keys keep their defaults. ValueError on bad input."""
        defaults = RegistryFaults().to_dict()
        unknown = set(data) - set(defaults)
        if unknown:
            raise ValueError(f"unknown registry fault(s): {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key.endswith("_plates"):
                if not isinstance(value, list | tuple | set | frozenset) or not all(
                    isinstance(plate, str) for plate in value
                ):
                    raise ValueError(f"{key} must be a list of registration numbers")
                values[key] = frozenset(normalise_plate(plate) for plate in value)
            elif type(value) is not type(defaults[key]):  # bool is an int, so compare exactly
                raise ValueError(f"{key} must be {_JSON_KINDS[type(defaults[key])]}")
            else:
                values[key] = value
        return cls(**values)


_JSON_KINDS = {bool: "true or false", int: "an integer"}


@dataclass(frozen=True)
class FaultRuleRecord:
    """A fault or latency rule set on a sandbox, kept as its text (the syntax is the single truth)."""

    id: str
    rule: str
    seed: int
    created_at: datetime


@dataclass
class SandboxExtras:
    """What the engine's controls keep per sandbox: its fault and latency rules. (The APIs' parts,
    CarOwner's bookings and outbox among them, are the sandbox's `packs`.)"""

    fault_rules: list[FaultRuleRecord] = field(default_factory=list)
    sequence: int = 0  # numbers the rules' ids so they are stable per sandbox

    def next_number(self) -> int:
        self.sequence += 1
        return self.sequence
