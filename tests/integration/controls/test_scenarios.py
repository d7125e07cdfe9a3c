"""Scenarios as the API shows them: per sandbox, and for the demo user at start-up."""

from __future__ import annotations

import pytest

from fixtures.scenarios import scenario_names
from mock_server.packs.carowner.state import owner_state
from mock_server.settings import Settings
from tests.integration.controls.conftest import Controls, start_controls


@pytest.mark.parametrize("name", scenario_names())
def test_every_scenario_makes_a_sandbox_the_api_serves(shared_controls: Controls, name: str) -> None:
    token = shared_controls.new_sandbox(name)
    vehicles = shared_controls.call("GET", "/api/co/vehicles", token)
    summary = shared_controls.call("GET", "/api/co/service-log/summary", token)
    assert vehicles.status_code == 200 and summary.status_code == 200
    assert summary.json()["data"]["count"] == len(owner_state(shared_controls.sandbox(token)).service_log)


def test_ten_thousand_logs_page_through_their_entries(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("ten-thousand-logs")
    page = shared_controls.call(
        "GET", "/api/co/service-log/list", token, params={"page": 100, "page_size": 100}
    )
    assert page.status_code == 200
    assert page.json()["meta"]["total"] == 10_000 and len(page.json()["data"]) == 100


def test_the_scrapped_car_stays_scrapped_when_refreshed(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("scrapped-car")
    before = shared_controls.call("GET", "/api/co/vehicles", token, params={"reg": "SV33445"}).json()["data"]
    after = shared_controls.call("POST", "/api/co/vehicles/refresh/SV33445", token).json()["data"]
    assert before["registration_status"] == after["registration_status"] == "scrapped"
    assert after["registration_status_text"] == "Vraket"


def test_with_the_registry_down_linking_answers_503_with_retry_after(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("registry-down")
    answer = shared_controls.call("POST", "/api/co/vehicles", token, json={"registration_number": "CV12345"})
    assert answer.status_code == 503
    assert answer.json()["code"] == "REGISTRY_UNAVAILABLE" and answer.headers["retry-after"] == "120"
    assert (
        shared_controls.call("GET", "/api/co/vehicles", token).json()["data"][0]["registration_number"]
        == "EL77889"
    )


def test_a_scenario_only_affects_its_own_sandbox(shared_controls: Controls) -> None:
    shared_controls.new_sandbox("registry-down")
    healthy = shared_controls.new_sandbox()
    answer = shared_controls.call(
        "POST", "/api/co/vehicles", healthy, json={"registration_number": "CV12345"}
    )
    assert answer.status_code == 201


def test_a_scenarios_preferences_are_the_owners(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("eu-control-due")
    assert owner_state(shared_controls.sandbox(token)).preferences["booking.requested"] == {
        "email": False,
        "push": True,
    }


def test_at_start_up_a_scenario_becomes_demo_karis_world_under_her_token() -> None:
    controls = start_controls(Settings(scenario="one-car"))
    with controls.client:
        kari = controls.call("GET", "/__mock/sandbox", "demo-kari").json()
        vehicles = controls.call("GET", "/api/co/vehicles", "demo-kari").json()["data"]
        ola = controls.call("GET", "/api/co/vehicles", "demo-ola").json()["data"]
    assert kari["display_name"] == "Kari Nordmann" and kari["scenario"] == "one-car"
    assert [v["registration_number"] for v in vehicles] == ["EL23456"]
    assert ola == []


def test_an_unknown_start_up_scenario_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        start_controls(Settings(scenario="nope"))
