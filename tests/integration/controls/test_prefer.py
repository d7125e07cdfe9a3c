"""`Prefer` on the CarOwner API: documented answers on request, a clear 400 otherwise, no state change."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.packs.carowner.prefer import DocumentedResponses
from mock_server.settings import SPEC_PATH
from mock_server.store.serialise import sandbox_state
from mock_server.yaml_files import load_yaml
from tests.integration.controls.conftest import Controls


def test_code_answers_the_documented_response_for_that_status(shared_controls: Controls) -> None:
    answer = shared_controls.call("GET", "/api/co/vehicles", "demo-kari", headers={"Prefer": "code=404"})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == "VEHICLE_NOT_LINKED"
    assert body["request_id"] == answer.headers["x-request-id"]


def test_example_answers_that_named_example(shared_controls: Controls) -> None:
    answer = shared_controls.call(
        "GET", "/api/co/vehicles", "demo-kari", headers={"Prefer": "example=listModeNoVehicles"}
    )
    assert answer.status_code == 200
    assert answer.json()["data"] == []
    assert answer.json()["meta"]["request_id"] == answer.headers["x-request-id"]


def test_code_and_example_together_pick_the_example_under_that_code(shared_controls: Controls) -> None:
    answer = shared_controls.call(
        "POST",
        "/api/co/vehicles",
        "demo-kari",
        json={"registration_number": "CV12345"},
        headers={"Prefer": "code=503, example=registryUnavailable"},
    )
    assert answer.status_code == 503 and answer.json()["code"] == "REGISTRY_UNAVAILABLE"
    assert int(answer.headers["retry-after"]) >= 1


def test_a_prefer_answer_changes_nothing(controls: Controls) -> None:
    sandbox = controls.sandbox("demo-ola")
    before = sandbox_state(sandbox)
    answer = controls.call(
        "POST",
        "/api/co/vehicles",
        "demo-ola",
        json={"registration_number": "CV12345"},
        headers={"Prefer": "code=201"},
    )
    assert answer.status_code == 201
    assert sandbox_state(sandbox) == before
    assert controls.call("GET", "/api/co/vehicles", "demo-ola").json()["data"] == []


def test_prefer_still_needs_a_valid_token_and_a_valid_request(shared_controls: Controls) -> None:
    no_token = shared_controls.client.get("/api/co/vehicles", headers={"Prefer": "code=200"})
    bad_query = shared_controls.call(
        "GET",
        "/api/co/service-log/latest",
        "demo-kari",
        params={"limit": "x"},
        headers={"Prefer": "code=200"},
    )
    assert no_token.status_code == 401
    assert bad_query.status_code == 400 and bad_query.json()["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("prefer", "reason"),
    [
        ("colour=blue", "unknown preference"),
        ("code=418", "not documented"),
        ("code=abc", "three digits"),
        ("example=noSuchExample", "not an example"),
        ("code=200, example=vehicleNotLinked", "not an example"),
        ("example=listModeNoVehicles, dynamic=true", "contradict"),
        ("dynamic=maybe", "dynamic=true or dynamic=false"),
        ("code=200, code=404", "twice"),
        ("code", "needs a value"),
        ("code=200;x=1", "parameters"),
    ],
)
def test_a_preference_that_cannot_be_honoured_is_a_clear_400(
    shared_controls: Controls, prefer: str, reason: str
) -> None:
    answer = shared_controls.call("GET", "/api/co/vehicles", "demo-kari", headers={"Prefer": prefer})
    assert answer.status_code == 400
    assert answer.json()["code"] == "INVALID_PREFER_HEADER"
    assert reason in answer.json()["detail"]
    assert answer.json()["errors"][0]["field"] == "Prefer"


def test_dynamic_false_is_the_normal_answer(shared_controls: Controls) -> None:
    answer = shared_controls.call("GET", "/api/co/vehicles", "demo-kari", headers={"Prefer": "dynamic=false"})
    assert answer.status_code == 200 and len(answer.json()["data"]) == 3


def test_the_journal_notes_which_preference_answered(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    shared_controls.call("GET", "/api/co/realtime/config", token, headers={"Prefer": "dynamic=true"})
    shared_controls.call("GET", "/api/co/service-log/latest", token, headers={"Prefer": "code=400"})
    asked, generated = shared_controls.call("GET", "/__mock/sandbox/journal", token).json()["entries"]
    assert generated["prefer"] == "dynamic=true" and generated["status"] == 200
    assert (asked["prefer"], asked["status"], asked["validation"]) == ("code=400", 400, "passed")


_READS = [
    ("GET", "/api/co/vehicles", None),
    ("GET", "/api/co/realtime/config", None),
    ("GET", "/api/co/service-log/latest", None),
    ("GET", "/api/co/service-log/list", None),
    ("GET", "/api/co/service-log/summary", None),
    ("GET", "/api/co/service-log/messages/1001", None),
    ("GET", "/api/co/service-log/vehicle-history/list", None),
    ("GET", "/api/co/service-log/export-token", None),
    ("PUT", "/api/co/settings/notifications", {}),
    ("POST", "/api/co/vehicles/refresh/BT57225", None),
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operation=st.sampled_from(_READS), status=st.sampled_from([None, 200, 400, 401, 404]))
def test_dynamic_bodies_pass_the_mocks_own_response_validation(
    shared_controls: Controls, operation, status
) -> None:
    method, path, body = operation
    prefer = "dynamic=true" if status is None else f"code={status}, dynamic=true"
    answer = shared_controls.call(method, path, "demo-kari", json=body, headers={"Prefer": prefer})
    # Response validation is on: a generated body that broke the spec would be a 500.
    assert answer.status_code in (200, 201, 400, 401, 404), answer.text
    if status is not None and answer.status_code != 400:
        assert answer.status_code == status


def test_every_operation_documents_a_first_example_for_each_code(shared_controls: Controls) -> None:
    documented = DocumentedResponses(load_yaml(SPEC_PATH))
    for operation_id in shared_controls.world.routes.operation_ids:
        if operation_id not in documented:
            continue
        for status, response in documented.responses(operation_id).items():
            assert response.examples or response.content_type is None or response.schema, (
                operation_id,
                status,
            )


@pytest.mark.parametrize("_repeat", range(5))
def test_a_dynamic_answer_fits_the_request_it_answers(shared_controls: Controls, _repeat: int) -> None:
    dynamic = {"Prefer": "dynamic=true"}
    one = shared_controls.call("GET", "/api/co/vehicles?reg=el%2042817", "demo-kari", headers=dynamic).json()
    assert isinstance(one["data"], dict) and one["data"]["registration_number"] == "EL42817"
    listed = shared_controls.call("GET", "/api/co/vehicles", "demo-kari", headers=dynamic).json()["data"]
    assert isinstance(listed, list) and (not listed or sum(v["is_primary"] for v in listed) == 1)
    page = shared_controls.call(
        "GET",
        "/api/co/service-log/list?page=3&page_size=7&workshop_org_nr=921460929",
        "demo-kari",
        headers=dynamic,
    ).json()
    assert (page["meta"]["page"], page["meta"]["page_size"]) == (3, 7) and len(page["data"]) <= 7
    assert all(entry["workshop"]["org_nr"] == "921460929" for entry in page["data"])
    latest = shared_controls.call("GET", "/api/co/service-log/latest", "demo-kari", headers=dynamic).json()
    assert len(latest["data"]) <= 10  # the documented default limit
