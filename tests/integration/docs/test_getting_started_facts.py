"""What "Getting started" says about the demo world and the registry fake is true of the mock."""

from __future__ import annotations

import warnings
from typing import Any

import httpx
import pytest

from minbil_docs.pages import mock_facts

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from mock_server.app import create_app
    from mock_server.cli import parse_args
    from mock_server.packs.carowner.seeding import build_seeded_world
    from mock_server.settings import DEFAULT_PORT, Settings

FACTS = mock_facts()
REGISTRY = "/ws/no/vegvesen/kjoretoy/felles/datautlevering/enkeltoppslag/kjoretoydata"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def app() -> Any:
    """One mock for the module: these tests only read."""
    settings = Settings()
    world, _ = build_seeded_world(settings)
    return create_app(settings, world)


@pytest.fixture
def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock")


def test_start_facts_match_the_cli() -> None:
    assert FACTS["base_url"] == f"http://localhost:{DEFAULT_PORT}"
    for option, _ in FACTS["options"]:
        parse_args(option.split())  # exits on an unknown option


@pytest.mark.anyio
@pytest.mark.parametrize("user", FACTS["users"], ids=lambda u: u["token"])
async def test_demo_users_have_the_vehicles_the_page_lists(
    client: httpx.AsyncClient, user: dict[str, Any]
) -> None:
    async with client:
        response = await client.get("/api/co/vehicles", headers={"Authorization": f"Bearer {user['token']}"})
        vehicles = response.json()["data"]
        assert [v["registration_number"] for v in vehicles] == [v["plate"] for v in user["vehicles"]]
        for shown in user["vehicles"]:
            real = next(v for v in vehicles if v["registration_number"] == shown["plate"])
            assert ("primary" in shown["note"]) == real["is_primary"]
            assert ("electric" in shown["note"]) == (real["fuel_type"] == "electric")
            if "bought used" in shown["note"]:
                history = await client.get(
                    "/api/co/service-log/vehicle-history/list",
                    params={"registration_number": shown["plate"], "page_size": 100},
                    headers={"Authorization": f"Bearer {user['token']}"},
                )
                assert any(not entry["from_current_owner"] for entry in history.json()["data"])
        if "first_service_log_id" in user:
            thread = await client.get(
                f"/api/co/service-log/messages/{user['first_service_log_id']}",
                headers={"Authorization": f"Bearer {user['token']}"},
            )
            assert thread.status_code == 200


async def _registry(client: httpx.AsyncClient, plate: str) -> dict[str, Any]:
    response = await client.get(
        REGISTRY, params={"kjennemerke": plate}, headers={"SVV-Authorization": "Apikey minbil-demo-apikey"}
    )
    assert response.status_code == 200
    return response.json()


@pytest.mark.anyio
async def test_plates_the_page_lists_resolve_as_it_says(client: httpx.AsyncClient) -> None:
    plates = FACTS["plates"]
    async with client:
        for plate in plates["resolving"] + plates["real_records"]:
            body = await _registry(client, plate["plate"])
            assert "kjoretoydataListe" in body, plate
            fuel = body["kjoretoydataListe"][0]["godkjenning"]["tekniskGodkjenning"]["tekniskeData"][
                "miljodata"
            ]
            fuels = {g["drivstoffKodeMiljodata"]["kodeNavn"] for g in fuel["miljoOgdrivstoffGruppe"]}
            assert ("electric" in plate["note"]) == (fuels == {"Elektrisk"}), (plate, fuels)
        for plate in plates["not_resolving"]:
            assert await _registry(client, plate["plate"]) == {
                "feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"
            }
