"""The request journal: a sandbox's last requests, and for a rejected one the reason in plain words."""

from __future__ import annotations

from mock_server.settings import Settings
from tests.integration.controls.conftest import Controls, start_controls


def _journal(controls: Controls, token: str, **params: object) -> list[dict]:
    answer = controls.call("GET", "/__mock/sandbox/journal", token, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"]


def test_a_rejected_parameter_is_named_with_the_rule_it_broke(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    shared_controls.call("GET", "/api/co/service-log/latest", token, params={"limit": "string_value"})
    (entry,) = _journal(shared_controls, token)
    assert entry["validation"] == "rejected" and entry["status"] == 400
    assert entry["operation_id"] == "getLatestServiceLogs" and entry["query"] == "limit=string_value"
    assert entry["reason"].startswith("parameter 'limit': ") and "integer" in entry["reason"]
    assert entry["errors"][0]["field"] == "limit"


def test_a_rejected_body_field_is_named(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    shared_controls.call(
        "PUT", "/api/co/settings/notifications", token, json={"booking.accepted": {"sms": True}}
    )
    (entry,) = _journal(shared_controls, token)
    assert entry["validation"] == "rejected" and "body field 'booking.accepted.sms'" in entry["reason"]


def test_a_valid_request_refused_by_a_rule_passed_validation(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    shared_controls.call("GET", "/api/co/vehicles", token, params={"reg": "CV12345"})
    shared_controls.call("GET", "/api/co/vehicles", token)
    newest, oldest = _journal(shared_controls, token)
    assert (newest["status"], newest["validation"], newest["problem_code"]) == (200, "passed", None)
    assert (oldest["status"], oldest["validation"], oldest["problem_code"]) == (
        404,
        "passed",
        "VEHICLE_NOT_LINKED",
    )
    assert "CV12345" in oldest["reason"]


def test_an_injected_fault_is_recorded_as_not_checked(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    shared_controls.call("POST", "/__mock/sandbox/faults", token, json={"rule": "getVehicles: error=1:503"})
    shared_controls.call("GET", "/api/co/vehicles", token)
    (entry,) = _journal(shared_controls, token)
    assert entry["validation"] == "not_checked" and entry["injected"] == ["error (getVehicles: error=1:503)"]


def test_the_journal_is_per_sandbox_newest_first_and_skips_control_calls(shared_controls: Controls) -> None:
    mine, theirs = shared_controls.new_sandbox(), shared_controls.new_sandbox()
    for path in ("/api/co/vehicles", "/api/co/realtime/config", "/api/co/service-log/summary"):
        shared_controls.call("GET", path, mine)
    shared_controls.call("GET", "/api/co/vehicles", theirs)
    paths = [e["path"] for e in _journal(shared_controls, mine)]
    assert paths == ["/api/co/service-log/summary", "/api/co/realtime/config", "/api/co/vehicles"]
    assert [e["path"] for e in _journal(shared_controls, mine, limit=1)] == ["/api/co/service-log/summary"]


def test_the_journal_keeps_only_the_last_requests() -> None:
    controls = start_controls(Settings(journal_size=5))
    with controls.client:
        token = controls.new_sandbox()
        for page in range(1, 9):
            controls.call("GET", "/api/co/service-log/list", token, params={"page": page})
        entries = _journal(controls, token)
    assert [e["query"] for e in entries] == [f"page={page}" for page in range(8, 3, -1)]


def test_the_journal_records_request_ids_the_client_saw(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    answer = shared_controls.call("GET", "/api/co/vehicles", token)
    assert _journal(shared_controls, token)[0]["request_id"] == answer.headers["x-request-id"]
