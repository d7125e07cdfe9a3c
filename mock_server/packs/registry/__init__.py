"""The Statens vegvesen registry fake (enkeltoppslag), its clients and the mapping to MinBil's view.

service.RegistryService is the HTTP-free core; api.add_registry_api mounts it on a Connexion app;
client.RegistryClient is what the CarOwner side uses; mapping.to_registry_data reads any record.
One registry serves the whole world (the pack's services: wiring.py, `registry_services(world)`);
a sandbox's part of the pack is only the faults set for it (state.py: how the registry misbehaves
for that sandbox's callers). Its callers name no sandbox (an API key, `SVV-Authorization: Apikey
<key>`). Left out of `--apis`, the registry's own HTTP API is not served, while CarOwner still
looks cars up in it (in process, or `--registry-url`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..base import ApiPack, pack_services
from .api import BASE_PATH, SPEC_PATH, add_registry_api
from .controls import RegistryFaultControls, control_view
from .faults import FAULTS
from .service import DEMO_API_KEY, RegistryService
from .state import RegistryState, state_from_json
from .wiring import RegistryServices, build_registry

if TYPE_CHECKING:
    from connexion import AsyncApp

    from ...app import MockWorld
    from ...store.sandbox import Sandbox


def _credentials(sandbox: Sandbox) -> dict[str, str]:
    return {"api_key": DEMO_API_KEY}  # the same for every sandbox: the registry is the world's


def _mount(app: AsyncApp, world: MockWorld) -> None:
    add_registry_api(app, registry_of(world))


def _controls(world: MockWorld) -> object:
    return RegistryFaultControls(world.sandboxes)


def _middleware(app: AsyncApp, world: MockWorld) -> None:
    planted = world.settings.planted_faults & set(FAULTS)
    if planted:
        from connexion.middleware import MiddlewarePosition

        from .faults import RegistryFaultMiddleware

        app.add_middleware(
            RegistryFaultMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            faults=planted,
            api_key=world.settings.registry_api_key,
        )


PACK = ApiPack(
    name="registry",
    title="Statens vegvesen registry (enkeltoppslag)",
    spec_path=SPEC_PATH,
    base_path=BASE_PATH,
    credentials=_credentials,
    mount=_mount,
    new_state=RegistryState,
    state_from_json=state_from_json,
    middleware=_middleware,
    faults=FAULTS,
    services=build_registry,
    controls=_controls,
    control_view=control_view,
    docs_page="registry",
)


def registry_services(world: MockWorld) -> RegistryServices:
    """The world's one registry fake and the client lookups go through: the registry pack's services,
    made the first time they are asked for when the registry's HTTP API is not served."""
    services: RegistryServices = pack_services(world, PACK)
    return services


def registry_of(world: MockWorld) -> RegistryService:
    """The world's one registry fake."""
    return registry_services(world).service
