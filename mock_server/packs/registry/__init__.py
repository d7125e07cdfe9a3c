"""The Statens vegvesen registry fake (enkeltoppslag), its clients and the mapping to MinBil's view.

service.RegistryService is the HTTP-free core; api.add_registry_api mounts it on a Connexion app;
client.RegistryClient is what the CarOwner side uses; mapping.to_registry_data reads any record.
One registry serves the whole world; a sandbox's part of the pack is only the faults set for it
(state.py: how the registry misbehaves for that sandbox's callers). Its callers name no sandbox
(an API key, `SVV-Authorization: Apikey <key>`). Left out of `--apis`, the registry's own HTTP API
is not served, while CarOwner still looks cars up in it (in process, or `--registry-url`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..base import ApiPack
from .api import BASE_PATH, SPEC_PATH, add_registry_api
from .service import DEMO_API_KEY
from .state import RegistryState, state_from_json

if TYPE_CHECKING:
    from connexion import AsyncApp

    from ...app import MockWorld
    from ...store.sandbox import Sandbox


def _credentials(sandbox: Sandbox) -> dict[str, str]:
    return {"api_key": DEMO_API_KEY}  # the same for every sandbox: the registry is the world's


def _mount(app: AsyncApp, world: MockWorld) -> None:
    add_registry_api(app, world.registry)


PACK = ApiPack(
    name="registry",
    title="Statens vegvesen registry (enkeltoppslag)",
    spec_path=SPEC_PATH,
    base_path=BASE_PATH,
    credentials=_credentials,
    mount=_mount,
    new_state=RegistryState,
    state_from_json=state_from_json,
    docs_page="registry",
)
