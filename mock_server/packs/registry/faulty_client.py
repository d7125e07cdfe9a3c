"""Registry faults: per sandbox as a RegistryClient wrapper, globally as settings of the fake itself.

Per sandbox (control API, scenarios): `SandboxRegistryClient` stands between the CarOwner side and the
real client, so only that sandbox sees a slow, failing or changed registry. Globally (command line,
config file): `apply_global_faults` configures the shared RegistryService, which the HTTP endpoint and
every sandbox's lookups go through; a global delay becomes a latency rule on the endpoint's path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from mock_server.domain.control_models import RegistryFaults

from .client import RegistryClient, RegistryVehicleNotFound, record_from_answer
from .known_records import normalise_registry_key
from .oslo_time import oslo_date, seconds_until_oslo_midnight
from .record_edits import deregistered, scrapped, with_new_owner
from .service import RegistryService


def edited_record(record: dict, plate: str, faults: RegistryFaults, now: datetime) -> dict:
    """The record as the faults change it: scrapped, deregistered, with a new owner since `now`."""
    wanted = normalise_registry_key(plate)
    if wanted in faults.owner_changed_plates:
        record = with_new_owner(record, now)
    if wanted in faults.deregistered_plates:
        record = deregistered(record, now)
    if wanted in faults.scrapped_plates:
        record = scrapped(record, now)
    return record


class SandboxRegistryClient:
    def __init__(
        self,
        inner: RegistryClient,
        faults: RegistryFaults,
        now: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._inner = inner
        self._faults = faults
        self._now = now
        self._sleep = sleep

    async def lookup_plate(self, plate: str) -> dict:
        faults = self._faults
        if faults.delay_ms:
            await self._sleep(faults.delay_ms / 1000)
        # Answers as the registry would give them, read by the same code as real answers.
        if faults.outage:
            record_from_answer(plate, 503, None, {"Retry-After": str(faults.outage_retry_after)})
        if faults.quota_exhausted:
            retry_after = str(seconds_until_oslo_midnight(self._now()))
            record_from_answer(plate, faults.quota_status, None, {"Retry-After": retry_after})
        if normalise_registry_key(plate) in faults.unavailable_plates:
            raise RegistryVehicleNotFound(plate)
        return edited_record(await self._inner.lookup_plate(plate), plate, faults, self._now())


def per_sandbox_client(
    inner: RegistryClient, faults: RegistryFaults, now: Callable[[], datetime]
) -> RegistryClient:
    return SandboxRegistryClient(inner, faults, now) if faults.active else inner


def apply_global_faults(service: RegistryService, faults: RegistryFaults, now: datetime) -> list[str]:
    """Configure the shared fake; returns the latency rules a delay needs (for the fault injector)."""
    config = service.config
    config.outage = faults.outage
    config.outage_retry_after = faults.outage_retry_after
    config.quota_status = faults.quota_status
    if faults.quota_exhausted:
        config.daily_quota = 0
    config.unavailable_plates |= set(faults.unavailable_plates)
    for plate in faults.scrapped_plates | faults.deregistered_plates | faults.owner_changed_plates:
        record = service.record_for_plate(plate, oslo_date(now))
        if record is None:
            raise ValueError(f"the registry has no car {plate} to change")
        service.register_record(edited_record(record, plate, faults, now))
    if faults.delay_ms:
        return [f"hentKjoretoydata: delay={faults.delay_ms}ms"]
    return []
