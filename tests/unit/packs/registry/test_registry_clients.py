"""RegistryClient implementations: in-process and over HTTP (httpx.ASGITransport into the fake)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import connexion
import httpx
import pytest

from mock_server.packs.registry.api import BASE_PATH, add_registry_api
from mock_server.packs.registry.client import (
    HttpRegistryClient,
    InProcessRegistryClient,
    RegistryClient,
    RegistryUnavailable,
    RegistryVehicleNotFound,
    record_from_answer,
)
from mock_server.packs.registry.known_records import load_reference_records
from mock_server.packs.registry.service import BLOCKED_API_KEY, DEMO_API_KEY, RegistryConfig, RegistryService

from .registry_helpers import NOW

pytestmark = pytest.mark.anyio
ClientFactory = Callable[[RegistryService, str], Any]


def in_process(service: RegistryService, api_key: str) -> InProcessRegistryClient:
    return InProcessRegistryClient(service, api_key, clock=lambda: NOW)


def over_http(service: RegistryService, api_key: str) -> HttpRegistryClient:
    app = connexion.AsyncApp(__name__)
    add_registry_api(app, service, clock=lambda: NOW)
    return HttpRegistryClient(
        f"http://registry.test{BASE_PATH}", api_key, transport=httpx.ASGITransport(app=app)
    )


@pytest.fixture(params=[in_process, over_http], ids=["in-process", "http"])
def client_factory(request: pytest.FixtureRequest) -> ClientFactory:
    return request.param


@pytest.fixture
async def demo_client(
    client_factory: ClientFactory, service: RegistryService
) -> AsyncIterator[RegistryClient]:
    client = client_factory(service, DEMO_API_KEY)
    yield client
    if isinstance(client, HttpRegistryClient):
        await client.aclose()


async def test_lookup_returns_the_raw_record(demo_client: RegistryClient) -> None:
    assert await demo_client.lookup_plate("EK 39085") == load_reference_records()[0]


async def test_both_clients_return_the_same_generated_car(service: RegistryService) -> None:
    async with over_http(service, DEMO_API_KEY) as http:
        assert await http.lookup_plate("NB40123") == await in_process(service, DEMO_API_KEY).lookup_plate(
            "NB40123"
        )


async def test_unknown_plate_raises_vehicle_not_found(demo_client: RegistryClient) -> None:
    with pytest.raises(RegistryVehicleNotFound) as raised:
        await demo_client.lookup_plate("IO12345")
    assert raised.value.plate == "IO12345"


@pytest.mark.parametrize("status", [429, 422])
async def test_used_up_quota_raises_unavailable_with_retry_after(
    client_factory: ClientFactory, status: int
) -> None:
    client = client_factory(RegistryService(RegistryConfig(daily_quota=0, quota_status=status)), DEMO_API_KEY)
    with pytest.raises(RegistryUnavailable) as raised:
        await client.lookup_plate("AB12345")
    assert raised.value.retry_after == 39600  # from 13:00 to midnight in Oslo


async def test_rejected_key_raises_unavailable(
    client_factory: ClientFactory, service: RegistryService
) -> None:
    with pytest.raises(RegistryUnavailable, match="API key rejected"):
        await client_factory(service, BLOCKED_API_KEY).lookup_plate("AB12345")


async def test_outage_raises_unavailable_with_its_retry_after(client_factory: ClientFactory) -> None:
    client = client_factory(
        RegistryService(RegistryConfig(outage=True, outage_retry_after=120)), DEMO_API_KEY
    )
    with pytest.raises(RegistryUnavailable) as raised:
        await client.lookup_plate("AB12345")
    assert raised.value.retry_after == 120


async def test_unreachable_registry_raises_unavailable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with HttpRegistryClient(
        "http://registry.test", DEMO_API_KEY, transport=httpx.MockTransport(refuse)
    ) as client:
        with pytest.raises(RegistryUnavailable) as raised:
            await client.lookup_plate("AB12345")
    assert raised.value.retry_after == 60


async def test_http_client_sends_the_svv_authorization_header_and_plate() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"})

    async with HttpRegistryClient(
        "https://registry.test/base/", "k-1", transport=httpx.MockTransport(answer)
    ) as client:
        with pytest.raises(RegistryVehicleNotFound):
            await client.lookup_plate("AB 12345")
    assert seen[0].headers["SVV-Authorization"] == "Apikey k-1"
    assert seen[0].url.path == "/base/enkeltoppslag/kjoretoydata"
    assert seen[0].url.params["kjennemerke"] == "AB 12345"


async def test_garbled_answer_raises_unavailable() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(502, content=b"<html>Bad gateway</html>"))
    async with HttpRegistryClient("http://registry.test", DEMO_API_KEY, transport=transport) as client:
        with pytest.raises(RegistryUnavailable, match="HTTP 502"):
            await client.lookup_plate("AB12345")


@pytest.mark.parametrize(("header", "expected"), [("17", 17), (None, 60), ("soon", 60), ("0", 1)])
def test_retry_after_in_seconds_or_default(header: str | None, expected: int) -> None:
    headers = {"Retry-After": header} if header is not None else {}
    with pytest.raises(RegistryUnavailable) as raised:
        record_from_answer("AB12345", 429, None, headers)
    assert raised.value.retry_after == expected


def test_retry_after_as_http_date_counts_the_seconds_until_then() -> None:
    in_an_hour = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    with pytest.raises(RegistryUnavailable) as raised:
        record_from_answer("AB12345", 503, None, {"Retry-After": in_an_hour})
    assert 3590 <= raised.value.retry_after <= 3600
