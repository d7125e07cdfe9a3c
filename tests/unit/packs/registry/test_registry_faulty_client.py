"""A sandbox's own registry: the faults set for it, in front of the real client."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mock_server.domain.control_models import RegistryFaults
from mock_server.packs.registry.client import (
    InProcessRegistryClient,
    RegistryUnavailable,
    RegistryVehicleNotFound,
)
from mock_server.packs.registry.faulty_client import SandboxRegistryClient, per_sandbox_client
from mock_server.packs.registry.record_edits import registry_timestamp
from mock_server.packs.registry.service import DEMO_API_KEY, RegistryService

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 2, 23, 9, 15, tzinfo=UTC)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _client(**faults: object) -> SandboxRegistryClient:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = SandboxRegistryClient(
        InProcessRegistryClient(RegistryService(), DEMO_API_KEY), RegistryFaults(**faults), lambda: NOW, sleep
    )
    client.slept = slept  # type: ignore[attr-defined]
    return client


async def test_an_owner_change_starts_the_ownership_now() -> None:
    record = await _client(owner_changed_plates=frozenset({"CV12345"})).lookup_plate("CV12345")
    assert record["registrering"]["registrertForstegangPaEierskap"] == registry_timestamp(NOW)


async def test_a_quota_answered_422_is_read_like_the_real_answer() -> None:
    with pytest.raises(RegistryUnavailable, match="quota") as raised:
        await _client(quota_exhausted=True, quota_status=422).lookup_plate("CV12345")
    assert raised.value.retry_after >= 1


async def test_an_unavailable_plate_is_not_found_and_a_slow_registry_waits_first() -> None:
    client = _client(unavailable_plates=frozenset({"CV12345"}), delay_ms=250)
    with pytest.raises(RegistryVehicleNotFound):
        await client.lookup_plate("CV12345")
    assert client.slept == [0.25]  # type: ignore[attr-defined]


def test_without_faults_the_sandbox_uses_the_real_client() -> None:
    inner = InProcessRegistryClient(RegistryService(), DEMO_API_KEY)
    assert per_sandbox_client(inner, RegistryFaults(), lambda: NOW) is inner
