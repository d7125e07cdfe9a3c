"""A misbehaving vehicle registry: per sandbox for the CarOwner side, for everyone at the endpoint."""

from __future__ import annotations

import time

import pytest

from mock_server.domain.control_models import RegistryFaults
from mock_server.settings import Settings
from tests.integration.controls.conftest import Controls, start_controls

REGISTRY = "/ws/no/vegvesen/kjoretoy/felles/datautlevering/enkeltoppslag/kjoretoydata"
APIKEY = {"SVV-Authorization": "Apikey minbil-demo-apikey"}


def _faults(controls: Controls, token: str, **faults: object) -> dict:
    answer = controls.call("PUT", "/__mock/sandbox/registry-faults", token, json=faults)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _link(controls: Controls, token: str, plate: str = "CV12345"):
    return controls.call("POST", "/api/co/vehicles", token, json={"registration_number": plate})


@pytest.mark.parametrize("status", [429, 422])
def test_a_used_up_quota_answered_either_way_makes_linking_503(
    shared_controls: Controls, status: int
) -> None:
    token = shared_controls.new_sandbox()
    _faults(shared_controls, token, quota_exhausted=True, quota_status=status)
    answer = _link(shared_controls, token)
    assert answer.status_code == 503 and answer.json()["code"] == "REGISTRY_UNAVAILABLE"
    assert 1 <= int(answer.headers["retry-after"]) <= 86_400


def test_an_outage_gives_its_retry_after(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    _faults(shared_controls, token, outage=True, outage_retry_after=42)
    answer = _link(shared_controls, token)
    assert answer.status_code == 503 and answer.headers["retry-after"] == "42"


def test_a_plate_made_unavailable_is_not_found_in_the_registry(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    _faults(shared_controls, token, unavailable_plates=["cv 12345"])
    assert _link(shared_controls, token).json()["code"] == "VEHICLE_NOT_FOUND_IN_REGISTRY"
    assert _link(shared_controls, token, "DN54321").status_code == 201


@pytest.mark.parametrize(
    ("field", "status"), [("scrapped_plates", "scrapped"), ("deregistered_plates", "deregistered")]
)
def test_a_linked_car_shows_its_new_registry_status_after_a_refresh(
    shared_controls: Controls, field: str, status: str
) -> None:
    token = shared_controls.new_sandbox("one-car")
    _faults(shared_controls, token, **{field: ["EL23456"]})
    assert (
        shared_controls.call("GET", "/api/co/vehicles", token, params={"reg": "EL23456"}).json()["data"][
            "registration_status"
        ]
        == "registered"
    )
    refreshed = shared_controls.call("POST", "/api/co/vehicles/refresh/EL23456", token).json()["data"]
    assert refreshed["registration_status"] == status


def test_a_slow_registry_slows_linking(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    _faults(shared_controls, token, delay_ms=200)
    started = time.perf_counter()
    assert _link(shared_controls, token).status_code == 201
    assert time.perf_counter() - started >= 0.2


def test_registry_faults_are_per_sandbox_and_an_empty_put_heals(shared_controls: Controls) -> None:
    sick, healthy = shared_controls.new_sandbox(), shared_controls.new_sandbox()
    _faults(shared_controls, sick, outage=True)
    assert _link(shared_controls, healthy).status_code == 201
    assert _faults(shared_controls, sick) == RegistryFaults().to_dict()
    assert _link(shared_controls, sick).status_code == 201


@pytest.mark.parametrize("status", [422, 429])
def test_the_registry_endpoint_answers_a_global_quota_fault_with_retry_after(status: int) -> None:
    controls = start_controls(
        Settings(registry_faults=RegistryFaults(quota_exhausted=True, quota_status=status))
    )
    with controls.client:
        answer = controls.client.get(REGISTRY, params={"kjennemerke": "CV12345"}, headers=APIKEY)
    assert answer.status_code == status and int(answer.headers["retry-after"]) >= 1


def test_global_registry_faults_change_what_the_endpoint_says() -> None:
    faults = RegistryFaults(
        scrapped_plates=frozenset({"CV12345"}),
        unavailable_plates=frozenset({"DN54321"}),
        owner_changed_plates=frozenset({"EL34567"}),
    )
    controls = start_controls(Settings(registry_faults=faults))
    with controls.client:
        scrapped = controls.client.get(REGISTRY, params={"kjennemerke": "CV12345"}, headers=APIKEY).json()
        missing = controls.client.get(REGISTRY, params={"kjennemerke": "DN54321"}, headers=APIKEY).json()
        sold = controls.client.get(REGISTRY, params={"kjennemerke": "EL34567"}, headers=APIKEY).json()
        linked = _link(controls, "demo-ola", "DN54321")
    status = scrapped["kjoretoydataListe"][0]["registrering"]["registreringsstatus"]["kodeVerdi"]
    assert status == "VRAKET"
    assert missing == {"feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"}
    assert linked.json()["code"] == "VEHICLE_NOT_FOUND_IN_REGISTRY"
    registration = sold["kjoretoydataListe"][0]["registrering"]
    assert registration["registrertForstegangPaEierskap"][:4] >= "2026"  # owned since the mock started


def test_a_global_outage_and_slowness_reach_the_registry_endpoint() -> None:
    controls = start_controls(Settings(registry_faults=RegistryFaults(outage=True, delay_ms=100)))
    with controls.client:
        started = time.perf_counter()
        answer = controls.client.get(REGISTRY, params={"kjennemerke": "CV12345"}, headers=APIKEY)
    assert answer.status_code == 503 and answer.headers["retry-after"] == "60"
    assert time.perf_counter() - started >= 0.1


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        ({"quota_status": 500}, "quota_status must be 429 or 422, not 500"),
        ({"delay_ms": True}, "delay_ms must be an integer"),
        ({"outage": 1}, "outage must be true or false"),
    ],
)
def test_refused_registry_faults_are_told_in_json_terms(faults: dict, expected: str) -> None:
    with pytest.raises(ValueError, match=f"^{expected}$"):
        RegistryFaults.from_dict(faults)
