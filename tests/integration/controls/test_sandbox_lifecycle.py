"""Making, reading, resetting and deleting sandboxes through /__mock, and who may do it."""

from __future__ import annotations

import pytest

from tests.integration.controls.conftest import Controls


def test_a_new_sandbox_needs_no_token_and_its_token_works_on_the_api(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    vehicles = shared_controls.call("GET", "/api/co/vehicles", token)
    assert vehicles.status_code == 200
    assert vehicles.json()["data"] == []


def test_a_sandbox_from_a_scenario_has_the_scenarios_cars(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("family-three-cars")
    plates = {
        v["registration_number"]
        for v in shared_controls.call("GET", "/api/co/vehicles", token).json()["data"]
    }
    assert plates == {"DN54321", "EV71234", "CV12345"}
    about = shared_controls.call("GET", "/__mock/sandbox", token).json()
    assert about["scenario"] == "family-three-cars" and about["display_name"] == "Ingrid Haugen"
    assert about["counts"]["linked_vehicles"] == 3 and about["counts"]["service_log_entries"] > 10


def test_an_unknown_scenario_is_a_404_that_lists_the_known_ones(shared_controls: Controls) -> None:
    answer = shared_controls.client.post("/__mock/sandboxes", json={"scenario": "two-cars"})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "SCENARIO_NOT_FOUND" and "one-car" in answer.json()["detail"]


def test_a_chosen_token_is_used_and_cannot_be_taken_twice(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car", token="ci-one-car-0001")
    assert token == "ci-one-car-0001"
    again = shared_controls.client.post("/__mock/sandboxes", json={"token": "ci-one-car-0001"})
    assert again.status_code == 409 and again.json()["code"] == "SANDBOX_TOKEN_TAKEN"


def test_an_empty_post_makes_an_empty_sandbox_whatever_the_client_labels_it(
    shared_controls: Controls,
) -> None:
    for headers in ({}, {"content-type": "application/x-www-form-urlencoded"}):
        answer = shared_controls.client.post("/__mock/sandboxes", headers=headers)
        assert answer.status_code == 201, answer.text
        assert answer.json()["scenario"] == "empty"


def test_deleting_the_sandbox_makes_its_token_unknown_everywhere(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    deleted = shared_controls.call("DELETE", "/__mock/sandbox", token)
    assert deleted.status_code == 204 and deleted.content == b""
    assert shared_controls.call("GET", "/api/co/vehicles", token).status_code == 401
    assert shared_controls.call("GET", "/__mock/sandbox", token).status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/__mock/sandbox"),
        ("POST", "/__mock/sandbox/reset"),
        ("GET", "/__mock/sandbox/clock"),
        ("GET", "/__mock/sandbox/notifications"),
        ("GET", "/__mock/sandbox/journal"),
        ("DELETE", "/__mock/sandbox/faults"),
    ],
)
def test_everything_about_a_sandbox_needs_its_token(
    shared_controls: Controls, method: str, path: str
) -> None:
    answer = shared_controls.client.request(method, path)
    assert answer.status_code == 401
    assert answer.json()["code"] == "UNAUTHENTICATED" and "x-request-id" in answer.headers


def test_scenarios_are_listed_without_a_token(shared_controls: Controls) -> None:
    names = {s["name"] for s in shared_controls.client.get("/__mock/scenarios").json()["scenarios"]}
    assert {
        "empty",
        "one-car",
        "family-three-cars",
        "ten-thousand-logs",
        "scrapped-car",
        "registry-down",
    } <= names


def test_reset_returns_to_the_scenario_keeping_token_user_and_snapshots(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    user_id = shared_controls.sandbox(token).user_id
    shared_controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "kept"})
    shared_controls.call("DELETE", "/api/co/vehicles", token, params={"reg": "EL23456"})
    shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"days": 3})
    reset = shared_controls.call("POST", "/__mock/sandbox/reset", token)
    assert reset.status_code == 200
    body = reset.json()
    assert body["token"] == token and body["user_id"] == str(user_id)
    assert body["counts"]["linked_vehicles"] == 1 and body["clock"]["offset_seconds"] == 0
    assert body["snapshots"] == ["kept"]


def test_demo_users_keep_their_seeded_world_as_the_start_snapshot(controls: Controls) -> None:
    controls.call("DELETE", "/api/co/vehicles", "demo-kari", params={"reg": "KH60518"})
    restored = controls.call("POST", "/__mock/sandbox/snapshots/start/restore", "demo-kari")
    assert restored.status_code == 200
    assert restored.json()["counts"]["linked_vehicles"] == 3


def test_the_control_api_has_its_own_ui_and_spec_under_its_prefix(shared_controls: Controls) -> None:
    ui = shared_controls.client.get("/__mock/ui/")
    spec = shared_controls.client.get("/__mock/openapi.json")
    assert ui.status_code == 200 and "swagger" in ui.text.lower()
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "MinBil mock controls"


def test_a_method_the_control_api_does_not_offer_is_405_with_allow(shared_controls: Controls) -> None:
    answer = shared_controls.client.patch("/__mock/sandbox")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "DELETE, GET"
