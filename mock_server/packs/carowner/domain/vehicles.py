"""Linking, unlinking and updating vehicles, with the primary-vehicle rules.

Invariant at every moment: an owner with one or more linked vehicles has exactly one primary;
an owner with none has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ....domain.errors import DomainError
from ....domain.images import CheckedImage, ImageInput, ImageStore, image_location
from ....domain.live import Change, LiveEvent, publish
from ....store.sandbox import Sandbox
from ...registry.client import RegistryClient, RegistryUnavailable, RegistryVehicleNotFound
from ...registry.mapping import to_registry_data
from ...registry.registry_data import RegistryData
from ..state import owner_state
from .models import HistoryEntry, VehicleLink, VehicleRecord

UNSET = object()


class HistoryProvider(Protocol):
    """Source of a used car's service history from before the caller owned it."""

    def earlier_owner_history(
        self, plate: str, registry: RegistryData, today: date
    ) -> list[HistoryEntry]: ...


RegistryFor = Callable[[Sandbox, RegistryClient], RegistryClient]


@dataclass(frozen=True)
class VehicleView:
    link: VehicleLink
    record: VehicleRecord


@dataclass(frozen=True)
class VehicleChanges:
    """A PUT /vehicles/{reg}: absent fields stay as they are; None clears a field."""

    nickname: object = UNSET
    image: object = UNSET

    @property
    def empty(self) -> bool:
        return self.nickname is UNSET and self.image is UNSET


def not_linked(plate: str) -> DomainError:
    return DomainError(
        "VEHICLE_NOT_LINKED", f"{plate} is not linked to your account.", field="registration_number"
    )


def _vehicle_event(
    sandbox: Sandbox, event: str, change: Change, link: VehicleLink, old: VehicleLink | None = None
) -> LiveEvent:
    """A link's live event; its row shows the car's make and model too (its vehicle record)."""
    record = owner_state(sandbox).vehicles.get(link.plate)
    return LiveEvent("vehicle", event, change, link, old=old, related=record)


class VehicleService:
    def __init__(
        self,
        registry: RegistryClient,
        images: ImageStore,
        history: HistoryProvider | None = None,
        *,
        registry_for: RegistryFor | None = None,
    ) -> None:
        self._registry = registry
        self._images = images
        self._history = history
        # A sandbox may see its own registry (faults set through the control API); services.py wires it.
        self._registry_for = registry_for

    def list(self, sandbox: Sandbox) -> list[VehicleView]:
        """Primary first, then by linked_at ascending (ties by plate), as the spec documents."""
        owner = owner_state(sandbox)
        links = sorted(
            owner.links.values(), key=lambda link: (not link.is_primary, link.linked_at, link.plate)
        )
        return [VehicleView(link, owner.vehicles[link.plate]) for link in links]

    def details(self, sandbox: Sandbox, plate: str) -> VehicleView:
        link = owner_state(sandbox).links.get(plate)
        if link is None:
            raise not_linked(plate)
        return VehicleView(link, owner_state(sandbox).vehicles[plate])

    async def link(
        self, sandbox: Sandbox, plate: str, nickname: str | None, image: ImageInput | CheckedImage | None
    ) -> tuple[VehicleView, bool]:
        """Link a vehicle; (view, True) when newly linked, (view, False) when it already was."""
        async with sandbox.lock:
            if plate in owner_state(sandbox).links:
                return self.details(sandbox, plate), False
            record = owner_state(sandbox).vehicles.get(plate) or await self._fetch_record(sandbox, plate)
            image_url = image_location(image, self._images)
            now = sandbox.clock.now()
            owner_state(sandbox).vehicles[plate] = record
            owner_state(sandbox).links[plate] = VehicleLink(
                plate=plate,
                linked_at=now,
                updated_at=now,
                nickname=nickname or None,
                image_url=image_url,
                is_primary=not owner_state(sandbox).links,
            )
            publish(
                sandbox,
                _vehicle_event(sandbox, "vehicle.linked", "INSERT", owner_state(sandbox).links[plate]),
            )
            return self.details(sandbox, plate), True

    def unlink(self, sandbox: Sandbox, plate: str) -> VehicleLink | None:
        """Unlink, keeping the vehicle record; returns the primary afterwards (None if none left)."""
        removed = owner_state(sandbox).links.pop(plate, None)
        if removed is None:
            raise not_linked(plate)
        publish(sandbox, _vehicle_event(sandbox, "vehicle.unlinked", "DELETE", removed, old=removed))
        if removed.is_primary and owner_state(sandbox).links:
            # The spec's order: most recently updated, then most recently linked, then the first plate.
            by_plate = sorted(owner_state(sandbox).links.values(), key=lambda link: link.plate)
            newest = max(by_plate, key=lambda link: (link.updated_at, link.linked_at))
            newest.is_primary = True
            publish(sandbox, _vehicle_event(sandbox, "vehicle.primary_changed", "UPDATE", newest))
        if removed.image_url is not None:
            self._images.collect()
        return owner_state(sandbox).primary()

    async def refresh(self, sandbox: Sandbox, plate: str) -> VehicleView:
        async with sandbox.lock:
            if plate not in owner_state(sandbox).links:
                raise not_linked(plate)
            fresh = await self._fetch_record(sandbox, plate, with_history=False)
            record = owner_state(sandbox).vehicles[plate]
            record.registry = fresh.registry
            record.registry_refreshed_at = fresh.registry_refreshed_at
            publish(
                sandbox,
                _vehicle_event(sandbox, "vehicle.updated", "UPDATE", owner_state(sandbox).links[plate]),
            )
            return self.details(sandbox, plate)

    def set_primary(self, sandbox: Sandbox, plate: str) -> VehicleView:
        target = owner_state(sandbox).links.get(plate)
        if target is None:
            raise not_linked(plate)
        links = owner_state(sandbox).links.values()
        changed = [link for link in links if link.is_primary != (link is target)]
        for link in changed:
            link.is_primary = link is target
        # The one that lost the mark first, then the new primary: what a second device redraws.
        changed.sort(key=lambda link: link is target)
        publish(
            sandbox, *(_vehicle_event(sandbox, "vehicle.primary_changed", "UPDATE", link) for link in changed)
        )
        return self.details(sandbox, plate)

    def update(self, sandbox: Sandbox, plate: str, changes: VehicleChanges) -> VehicleView:
        link = owner_state(sandbox).links.get(plate)
        if link is None:
            raise not_linked(plate)
        if changes.empty:
            raise DomainError("VALIDATION_FAILED", "Give nickname and/or image to update.", field="body")
        image_url = link.image_url
        if changes.image is not UNSET:
            image_url = image_location(changes.image, self._images)  # type: ignore[arg-type]
        if changes.nickname is not UNSET:
            link.nickname = changes.nickname or None  # type: ignore[assignment]
        replaced = link.image_url != image_url and link.image_url is not None
        link.image_url = image_url
        link.updated_at = sandbox.clock.now()
        if replaced:
            self._images.collect()
        publish(sandbox, _vehicle_event(sandbox, "vehicle.updated", "UPDATE", link))
        return self.details(sandbox, plate)

    async def _fetch_record(
        self, sandbox: Sandbox, plate: str, *, with_history: bool = True
    ) -> VehicleRecord:
        try:
            client = self._registry_for(sandbox, self._registry) if self._registry_for else self._registry
            raw = await client.lookup_plate(plate)
        except RegistryVehicleNotFound as exc:
            raise DomainError(
                "VEHICLE_NOT_FOUND_IN_REGISTRY",
                f"Statens vegvesen has no vehicle data for {plate}.",
                field="registration_number",
            ) from exc
        except RegistryUnavailable as exc:
            raise DomainError(
                "REGISTRY_UNAVAILABLE",
                "The vehicle registry is unavailable; try again later.",
                retry_after=exc.retry_after,
            ) from exc
        registry = to_registry_data(raw)
        history: list[HistoryEntry] = []
        if with_history and self._history is not None:
            history = self._history.earlier_owner_history(plate, registry, sandbox.clock.today())
        return VehicleRecord(
            plate=plate,
            registry=registry,
            registry_refreshed_at=sandbox.clock.now(),
            earlier_owner_history=history,
        )
