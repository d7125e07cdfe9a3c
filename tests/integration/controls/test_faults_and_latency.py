"""Injected faults and latency, per sandbox through the control API and for everyone from settings."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from mock_server.app import create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.packs.carowner.state import owner_state
from mock_server.settings import Settings
from mock_server.store.serialise import sandbox_state
from tests.integration.controls.conftest import Controls, start_controls


def _rule(controls: Controls, token: str, rule: str, **extra: object) -> dict:
    answer = controls.call("POST", "/__mock/sandbox/faults", token, json={"rule": rule, **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_an_error_rule_answers_its_status_as_a_problem_and_changes_nothing(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    _rule(shared_controls, token, "POST /api/co/vehicles: error=1:503")
    before = sandbox_state(shared_controls.sandbox(token))
    answer = shared_controls.call("POST", "/api/co/vehicles", token, json={"registration_number": "CV12345"})
    assert answer.status_code == 503 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "INJECTED_FAULT" and answer.json()["status"] == 503
    assert answer.headers["retry-after"] and answer.json()["request_id"] == answer.headers["x-request-id"]
    assert sandbox_state(shared_controls.sandbox(token)) == before


def test_an_error_rule_can_answer_a_catalogue_code(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    _rule(shared_controls, token, "linkVehicle: error=100%:REGISTRY_UNAVAILABLE")
    answer = shared_controls.call("POST", "/api/co/vehicles", token, json={"registration_number": "CV12345"})
    assert answer.status_code == 503 and answer.json()["code"] == "REGISTRY_UNAVAILABLE"


def test_a_delay_rule_slows_the_answer(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    _rule(shared_controls, token, "GET /api/co/vehicles: delay=150ms")
    started = time.perf_counter()
    assert shared_controls.call("GET", "/api/co/vehicles", token).status_code == 200
    assert time.perf_counter() - started >= 0.15
    entry = shared_controls.call("GET", "/__mock/sandbox/journal", token).json()["entries"][0]
    assert entry["duration_ms"] >= 150 and entry["injected"] == [
        "delay 150 ms (GET /api/co/vehicles: delay=150ms)"
    ]


def test_a_malformed_rule_cuts_the_body_after_the_mock_answered(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    _rule(shared_controls, token, "POST /api/co/vehicles: malformed=1")
    answer = shared_controls.call("POST", "/api/co/vehicles", token, json={"registration_number": "CV12345"})
    assert answer.status_code == 201
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.content)
    assert "CV12345" in owner_state(shared_controls.sandbox(token)).links


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_a_drop_rule_closes_the_answer_before_its_body() -> None:
    settings = Settings()
    world, _ = build_seeded_world(settings)
    app = create_app(settings, world)
    token = "demo-ola"
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    rule = {"rule": "GET /api/co/vehicles: drop=1"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        added = await client.post(
            "/__mock/sandbox/faults", json=rule, headers={"Authorization": f"Bearer {token}"}
        )
        assert added.status_code == 201
    scope = {
        "type": "http", "method": "GET", "path": "/api/co/vehicles", "raw_path": b"/api/co/vehicles",
        "query_string": b"", "headers": [(b"authorization", f"Bearer {token}".encode())], "scheme": "http",
        "server": ("testserver", 80), "client": ("test", 1), "root_path": "", "http_version": "1.1",
    }  # fmt: skip
    await app(scope, receive, send)
    assert [m["type"] for m in sent] == ["http.response.start"]  # no body: the server closes the connection


def test_the_control_api_is_never_subject_to_injected_faults(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    _rule(shared_controls, token, "* /*: error=1:500")
    assert shared_controls.call("GET", "/api/co/vehicles", token).status_code == 500
    assert shared_controls.call("GET", "/__mock/sandbox/faults", token).status_code == 200
    assert shared_controls.call("DELETE", "/__mock/sandbox/faults", token).status_code == 204
    assert shared_controls.call("GET", "/api/co/vehicles", token).status_code == 200


@pytest.mark.parametrize("rule", ["*: error=1:500", "GET *: error=1:500"])
def test_a_star_rule_hits_every_request_but_the_control_api(shared_controls: Controls, rule: str) -> None:
    token = shared_controls.new_sandbox()
    _rule(shared_controls, token, rule)
    assert shared_controls.call("GET", "/api/co/vehicles", token).status_code == 500
    assert shared_controls.call("GET", "/api/co/service-log/latest", token).status_code == 500
    assert shared_controls.call("GET", "/__mock/sandbox/faults", token).json()["rules"][0]["rule"] == rule
    assert shared_controls.call("DELETE", "/__mock/sandbox/faults", token).status_code == 204


def test_a_star_rule_from_the_command_line_delays_every_request() -> None:
    controls = start_controls(Settings(fault_rules=("*: delay=10ms",)))
    with controls.client:
        token = controls.new_sandbox()
        assert controls.call("GET", "/api/co/vehicles", token).status_code == 200
        entry = controls.call("GET", "/__mock/sandbox/journal", token).json()["entries"][0]
        assert entry["injected"] == ["delay 10 ms (*: delay=10ms)"]


def test_a_sandboxs_rules_leave_other_sandboxes_alone(shared_controls: Controls) -> None:
    mine, theirs = shared_controls.new_sandbox(), shared_controls.new_sandbox()
    _rule(shared_controls, mine, "GET /api/co/vehicles: error=1:500")
    assert shared_controls.call("GET", "/api/co/vehicles", theirs).status_code == 200


def test_an_unreadable_rule_is_a_400_that_says_why(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    answer = shared_controls.call(
        "POST", "/__mock/sandbox/faults", token, json={"rule": "GET /x: timeout=5s"}
    )
    assert answer.status_code == 400 and answer.json()["code"] == "INVALID_FAULT_RULE"
    assert "unknown effect 'timeout'" in answer.json()["detail"]


def _statuses(controls: Controls, token: str, count: int) -> list[int]:
    return [controls.call("GET", "/api/co/vehicles", token).status_code for _ in range(count)]


def test_the_same_seed_gives_the_same_sequence_of_faults() -> None:
    runs = []
    for _ in range(2):
        controls = start_controls(Settings(seed=11))
        with controls.client:
            token = controls.new_sandbox(token="ci-faults-0001")
            _rule(controls, token, "GET /api/co/vehicles: error=0.5:503")
            runs.append(_statuses(controls, token, 30))
    assert runs[0] == runs[1] and set(runs[0]) == {200, 503}


def test_rules_from_settings_apply_to_every_sandbox() -> None:
    controls = start_controls(Settings(fault_rules=("getRealtimeConfig: error=1:502",)))
    with controls.client:
        for token in ("demo-kari", "demo-ola", controls.new_sandbox()):
            assert controls.call("GET", "/api/co/realtime/config", token).status_code == 502
        listed = controls.call("GET", "/__mock/sandbox/faults", "demo-kari").json()
    assert listed["global_rules"] == ["getRealtimeConfig: error=1:502"] and listed["rules"] == []


def test_a_reset_clears_the_sandboxs_rules(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    _rule(shared_controls, token, "GET /api/co/vehicles: error=1:500")
    shared_controls.call("POST", "/__mock/sandbox/reset", token)
    assert shared_controls.call("GET", "/api/co/vehicles", token).status_code == 200
