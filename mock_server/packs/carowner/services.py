"""CarOwner's services for one world, the pack's `services`: the vehicle service (cars looked up in the
registry pack's client, through the sandbox's own registry faults), the export-token signer and the
workshop side. Its handlers and its controls share them: `carowner_services(world)`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..registry import registry_services
from ..registry.client import RegistryClient
from ..registry.faulty_client import per_sandbox_client
from ..registry.state import faults_of
from .domain.export_tokens import ExportTokenSigner
from .domain.vehicles import HistoryProvider, VehicleService
from .domain.workshop import WorkshopCatalogue, WorkshopSide

if TYPE_CHECKING:
    from ...app import MockWorld
    from ...store.sandbox import Sandbox

NAME = "carowner"


@dataclass(frozen=True)
class CarOwnerOptions:
    """What a caller of `build_world` hands CarOwner (`pack_options={"carowner": ...}`): the seeded
    history of a car's earlier owners, and the workshops a booking may go to."""

    history: HistoryProvider | None = None
    workshops: WorkshopCatalogue | None = None


@dataclass(frozen=True)
class CarOwnerServices:
    vehicles: VehicleService
    export_signer: ExportTokenSigner
    workshop: WorkshopSide


def carowner_services(world: MockWorld) -> CarOwnerServices:
    services: CarOwnerServices = world.pack_services[NAME]
    return services


def build_services(world: MockWorld) -> CarOwnerServices:
    settings = world.settings
    options = world.pack_options.get(NAME) or CarOwnerOptions()
    client = registry_services(world).client

    def registry_for(sandbox: Sandbox, inner: RegistryClient) -> RegistryClient:
        return per_sandbox_client(inner, faults_of(sandbox), sandbox.clock.now)

    vehicles: VehicleService
    if settings.planted_faults:
        from .faults.behaviour import FaultyVehicleService

        vehicles = FaultyVehicleService(
            client,
            world.images,
            options.history,
            faults=settings.planted_faults,
            sandboxes=world.sandboxes,
            registry_for=registry_for,
        )
    else:
        vehicles = VehicleService(client, world.images, options.history, registry_for=registry_for)
    # Kept in the state file, if any: export tokens then stay valid across a restart.
    state = world.state
    secret = settings.export_secret or (state.export_secret() if state else secrets.token_bytes(32))
    return CarOwnerServices(vehicles, ExportTokenSigner(secret), WorkshopSide(options.workshops))
