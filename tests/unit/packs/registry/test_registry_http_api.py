"""The fake mounted on a Connexion AsyncApp, driven in-process (Starlette TestClient and httpx)."""

from __future__ import annotations

import json
from typing import Any

import connexion
import httpx
import pytest
from starlette.testclient import TestClient

from mock_server.app import build_world, create_app
from mock_server.packs.registry import registry_of
from mock_server.packs.registry.api import BASE_PATH, ENKELTOPPSLAG_PATH, add_registry_api
from mock_server.packs.registry.known_records import load_reference_records
from mock_server.packs.registry.service import RegistryConfig, RegistryService
from mock_server.settings import Settings

from .registry_helpers import DEMO_AUTH, NOW

HEADERS = {"SVV-Authorization": DEMO_AUTH}


def registry_app(service: RegistryService) -> connexion.AsyncApp:
    app = connexion.AsyncApp(__name__)
    add_registry_api(app, service, clock=lambda: NOW)
    return app


@pytest.fixture
def client(service: RegistryService) -> TestClient:
    return registry_app(service).test_client()


def test_plate_lookup_answers_json_record(client: TestClient) -> None:
    response = client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "BE 12335"}, headers=HEADERS)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["kjoretoydataListe"][0]["kjoretoyId"]["kjennemerke"] == "BE 12335"
    assert "Sølv".encode() in response.content


def test_a_record_goes_out_as_compact_utf8_json_with_nothing_after_it(client: TestClient) -> None:
    response = client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "EK39085"}, headers=HEADERS)
    expected = {"kjoretoydataListe": [load_reference_records()[0]]}
    assert response.content == json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode()


def test_vin_lookup_answers_the_same_car(client: TestClient) -> None:
    by_plate = client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "KL12345"}, headers=HEADERS).json()
    vin = by_plate["kjoretoydataListe"][0]["kjoretoyId"]["understellsnummer"]
    assert (
        client.get(ENKELTOPPSLAG_PATH, params={"understellsnummer": vin}, headers=HEADERS).json() == by_plate
    )


def test_unknown_plate_answers_200_with_feilmelding(client: TestClient) -> None:
    response = client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "QA12345"}, headers=HEADERS)
    assert (response.status_code, response.json()) == (
        200,
        {"feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"},
    )


@pytest.mark.parametrize(
    ("params", "headers", "status"),
    [
        ({"kjennemerke": "AB12345", "understellsnummer": "WVWZZZAUZH8950429"}, HEADERS, 400),
        ({}, HEADERS, 400),
        ({"kjennemerke": "AB12345"}, {}, 403),
        ({"kjennemerke": "AB12345"}, {"SVV-Authorization": "Apikey minbil-blocked-apikey"}, 403),
        ({"kjennemerke": "AB12345"}, {"Authorization": "Bearer minbil-demo-apikey"}, 403),
    ],
)
def test_errors_come_from_the_registry_rules_with_empty_bodies(
    client: TestClient, params: dict[str, str], headers: dict[str, str], status: int
) -> None:
    response = client.get(ENKELTOPPSLAG_PATH, params=params, headers=headers)
    assert (response.status_code, response.content) == (status, b"")


@pytest.mark.parametrize("status", [429, 422])
def test_used_up_quota_answers_with_retry_after(status: int) -> None:
    client = registry_app(RegistryService(RegistryConfig(daily_quota=1, quota_status=status))).test_client()
    assert (
        client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "AB12345"}, headers=HEADERS).status_code == 200
    )
    response = client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "AB12345"}, headers=HEADERS)
    assert (response.status_code, response.headers["retry-after"]) == (status, "39600")


def test_outage_answers_503_with_retry_after(service: RegistryService, client: TestClient) -> None:
    service.config.outage = True
    response = client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "AB12345"}, headers=HEADERS)
    assert (response.status_code, response.headers["retry-after"]) == (503, "60")


def test_response_validation_rejects_a_record_that_breaks_the_spec(
    service: RegistryService, client: TestClient
) -> None:
    broken: dict[str, Any] = load_reference_records()[0]
    broken["forstegangsregistrering"]["registrertForstegangNorgeDato"] = 20170606
    service.register_record(broken)
    response = client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "EK39085"}, headers=HEADERS)
    assert response.status_code == 500
    assert "does not conform to specification" in response.json()["detail"]


def test_the_mock_checks_the_record_it_sends_not_a_remembered_copy() -> None:
    # The mock's response validation reuses the object a body was written from; a record that breaks
    # the spec must still be caught there.
    world = build_world(Settings())
    broken: dict[str, Any] = load_reference_records()[0]
    broken["forstegangsregistrering"]["registrertForstegangNorgeDato"] = 20170606
    registry_of(world).register_record(broken)
    client = create_app(Settings(), world).test_client()
    response = client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "EK39085"}, headers=HEADERS)
    assert response.status_code == 500


def test_the_registry_path_serves_no_ui_or_spec(client: TestClient) -> None:
    assert client.get(f"{BASE_PATH}/ui/").status_code == 404
    assert client.get(f"{BASE_PATH}/openapi.json").status_code == 404


@pytest.mark.anyio
async def test_async_client_over_asgi_transport_gets_the_real_answer(service: RegistryService) -> None:
    transport = httpx.ASGITransport(app=registry_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://registry") as http:
        response = await http.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "EK39085"}, headers=HEADERS)
    assert response.status_code == 200
    assert json.loads(response.content)["kjoretoydataListe"] == [load_reference_records()[0]]
