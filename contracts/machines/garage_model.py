"""A plain in-memory model of one user's linked vehicles: what the server must agree with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..timestamps import timestamp


@dataclass
class LinkedVehicle:
    plate: str
    nickname: str | None
    image_url: str | None
    linked_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class KeptRecord:
    """The vehicle record the server keeps after an unlink: the same vehicle comes back on re-link."""

    vin: str | None
    registry_refreshed_at: datetime


@dataclass
class GarageModel:
    linked: dict[str, LinkedVehicle] = field(default_factory=dict)
    records: dict[str, KeptRecord] = field(default_factory=dict)
    primary: str | None = None
    # The rule whose promise the current primary rests on, so a mismatch is blamed precisely.
    primary_rule: str = "semantics.single-primary"

    def is_linked(self, plate: str) -> bool:
        return plate in self.linked

    def link(self, plate: str, details: dict[str, Any]) -> None:
        self.linked[plate] = LinkedVehicle(
            plate=plate,
            nickname=details.get("nickname"),
            image_url=details.get("image_url"),
            linked_at=timestamp(details["linked_at"]),
            updated_at=timestamp(details["updated_at"]),
        )
        self.remember_record(plate, details)
        if self.primary is None:
            self.primary = plate
            self.primary_rule = "semantics.link-new-201"

    def remember_record(self, plate: str, details: dict[str, Any]) -> None:
        self.records[plate] = KeptRecord(details.get("vin"), timestamp(details["registry_refreshed_at"]))

    def fallback_candidates(self, removed: str) -> set[str]:
        """Who may become primary when `removed` (the primary) goes: the most recently updated vehicle.

        Ties (which a strictly increasing clock should never produce) fall to the most recent link;
        any vehicle still tied after that is accepted.
        """
        remaining = [vehicle for plate, vehicle in self.linked.items() if plate != removed]
        if not remaining:
            return set()
        newest = max(vehicle.updated_at for vehicle in remaining)
        tied = [vehicle for vehicle in remaining if vehicle.updated_at == newest]
        latest_link = max(vehicle.linked_at for vehicle in tied)
        return {vehicle.plate for vehicle in tied if vehicle.linked_at == latest_link}

    def unlink(self, plate: str, new_primary: str | None) -> None:
        was_primary = self.primary == plate
        del self.linked[plate]
        if was_primary:
            self.primary = new_primary
            self.primary_rule = "semantics.primary-fallback"

    def set_primary(self, plate: str) -> None:
        self.primary = plate
        self.primary_rule = "semantics.set-primary"

    def update(self, plate: str, details: dict[str, Any]) -> None:
        vehicle = self.linked[plate]
        vehicle.nickname = details.get("nickname")
        vehicle.image_url = details.get("image_url")
        vehicle.updated_at = timestamp(details["updated_at"])
