"""The registry fake of one world: the one RegistryService (its HTTP API's and every lookup's) and the
client the CarOwner side looks cars up through (the fake in process, or `--registry-url`).

The registry pack's services: made when the world is built if the registry is served, or the first
time another pack asks for them (CarOwner looks cars up in the fake whether or not its HTTP API is
served; the demo fleet is seeded from its records).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .client import HttpRegistryClient, InProcessRegistryClient, RegistryClient
from .faulty_client import apply_global_faults
from .oslo_time import utc_now
from .service import RegistryService

if TYPE_CHECKING:
    from ...app import MockWorld


@dataclass(frozen=True)
class RegistryServices:
    service: RegistryService  # the fake: records, keys, quota, the switches of its global faults
    client: RegistryClient  # where lookups go: the fake in process, or the registry at --registry-url


def build_registry(world: MockWorld) -> RegistryServices:
    settings = world.settings
    service = RegistryService()
    # Global registry faults (command line, fault file) set the fake's switches; a delay is a latency
    # rule on its endpoint, for everyone.
    for rule in apply_global_faults(service, settings.registry_faults, utc_now()):
        world.injector.add_global(rule)
    client: RegistryClient
    if settings.registry_url:
        client = HttpRegistryClient(settings.registry_url, settings.registry_api_key)
    else:
        client = InProcessRegistryClient(service, settings.registry_api_key)
    return RegistryServices(service, client)
