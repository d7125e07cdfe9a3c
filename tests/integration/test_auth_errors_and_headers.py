"""Auth on every operation, sandbox isolation, the problem format, request ids, CORS and 405s."""

from __future__ import annotations

import re
import uuid

import pytest
import yaml

from mock_server.settings import SPEC_PATH

from .conftest import KARI, OLA, Mock

SPEC = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
SECURED = [
    (method.upper(), re.sub(r"\{[^}]+\}", "1001" if "messages" in path else "BT57225", path))
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method in {"get", "put", "post", "delete"} and operation.get("security", SPEC["security"])
]


def test_every_documented_operation_is_served() -> None:
    operations = {
        op["operationId"] for item in SPEC["paths"].values() for op in item.values() if "operationId" in op
    }
    assert len(SECURED) == 15 and len(operations) == 16


@pytest.mark.parametrize(("method", "path"), SECURED)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-known-token", "Basic ZGVtbzpkZW1v"])
def test_every_secured_operation_refuses_a_missing_or_unknown_token(
    shared_mock: Mock, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    answer = shared_mock.client.request(
        method, path, headers=headers, json={} if method in {"PUT", "POST"} else None
    )
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "UNAUTHENTICATED"


def test_one_sandbox_cannot_see_or_change_another(mock: Mock) -> None:
    stranger = mock.new_sandbox()
    assert mock.post("/api/co/vehicles", stranger, json={"registration_number": "CV12345"}).status_code == 201
    assert [v["registration_number"] for v in mock.get("/api/co/vehicles", OLA).json()["data"]] == []
    assert "CV12345" not in [
        v["registration_number"] for v in mock.get("/api/co/vehicles", KARI).json()["data"]
    ]
    for answer in (
        mock.delete("/api/co/vehicles?reg=BT57225", stranger),
        mock.put("/api/co/vehicles/BT57225", stranger, json={"nickname": "Stjålet"}),
        mock.post("/api/co/vehicles/set-primary", stranger, json={"registration_number": "BT57225"}),
    ):
        assert answer.status_code == 404
    assert mock.get("/api/co/vehicles?reg=BT57225", KARI).json()["data"]["nickname"] == "Familiebilen"


def test_every_response_carries_the_request_id_of_its_body(shared_mock: Mock) -> None:
    for answer in (shared_mock.get("/api/co/vehicles"), shared_mock.get("/api/co/vehicles?reg=ZZ99999")):
        body = answer.json()
        body_id = body["meta"]["request_id"] if "meta" in body else body["request_id"]
        assert answer.headers["x-request-id"] == body_id


def test_a_client_request_id_is_kept_when_it_is_a_uuid(shared_mock: Mock) -> None:
    mine = str(uuid.uuid4())
    answer = shared_mock.get("/api/co/vehicles", headers={"X-Request-ID": mine})
    assert answer.headers["x-request-id"] == answer.json()["meta"]["request_id"] == mine


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("GET", "/api/co/service-log/latest?limit=string_value", {}, 400, "VALIDATION_FAILED"),
        ("GET", "/api/co/service-log/list?page=0", {}, 400, "VALIDATION_FAILED"),
        ("GET", "/api/co/vehicles?colour=blå", {}, 400, "VALIDATION_FAILED"),
        ("GET", "/api/co/vehicles?reg=ÆØÅÆØÅÆØ", {}, 400, "VALIDATION_FAILED"),
        ("POST", "/api/co/vehicles", {"json": {}}, 400, "REGISTRATION_NUMBER_REQUIRED"),
        (
            "POST",
            "/api/co/vehicles",
            {"json": {"registration_number": "BT57225", "x": 1}},
            400,
            "VALIDATION_FAILED",
        ),
        (
            "POST",
            "/api/co/vehicles",
            {"content": b'{"registration_number": "\xff"}', "headers": {"Content-Type": "application/json"}},
            400,
            "INVALID_JSON",
        ),
        (
            "POST",
            "/api/co/vehicles",
            {"content": b'{"registration_number": ', "headers": {"Content-Type": "application/json"}},
            400,
            "INVALID_JSON",
        ),
        (
            "PUT",
            "/api/co/vehicles/BT57225",
            {"content": b"nickname", "headers": {"Content-Type": "multipart/form-data"}},
            400,
            "VALIDATION_FAILED",
        ),
        ("POST", "/api/co/vehicles", {"content": b"x", "headers": {"Content-Type": "text/plain"}}, 415, None),
        ("PUT", "/api/co/settings/notifications", {"json": {"message.new": {"sms": True}}}, 400, None),
        ("GET", "/api/co/nowhere", {}, 404, "NOT_FOUND"),
    ],
)
def test_bad_input_gets_a_problem_with_a_stable_code(
    shared_mock: Mock, method, path, kwargs, status, code
) -> None:
    headers = {**shared_mock.as_user(KARI), **kwargs.pop("headers", {})}
    answer = shared_mock.client.request(method, path, headers=headers, **kwargs)
    problem = answer.json()
    assert answer.status_code == status == problem["status"]
    assert answer.headers["content-type"] == "application/problem+json"
    assert problem["code"] == (code or problem["code"]) and re.fullmatch(r"[A-Z_]+", problem["code"])
    assert problem["type"].endswith(problem["code"].lower().replace("_", "-"))


def test_a_literal_path_wins_over_a_template_when_answering_405(shared_mock: Mock) -> None:
    answer = shared_mock.put("/api/co/vehicles/set-primary", json={"nickname": "x"})
    assert (answer.status_code, answer.headers["allow"]) == (405, "POST")
    templated = shared_mock.client.patch("/api/co/vehicles/BT57225", headers=shared_mock.as_user(KARI))
    assert (templated.status_code, templated.headers["allow"], templated.json()["code"]) == (
        405,
        "PUT",
        "METHOD_NOT_ALLOWED",
    )


def test_browser_preflights_from_a_dev_server_are_allowed(shared_mock: Mock) -> None:
    answer = shared_mock.client.options(
        "/api/co/vehicles",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "authorization" in answer.headers["access-control-allow-headers"].lower()
    simple = shared_mock.get("/api/co/vehicles", headers={"Origin": "http://localhost:5173"})
    assert "X-Request-ID" in simple.headers["access-control-expose-headers"]


def test_swagger_ui_and_the_spec_are_served(shared_mock: Mock) -> None:
    assert shared_mock.client.get("/ui/").status_code == 200
    assert shared_mock.client.get("/openapi.json").json()["openapi"] == "3.0.3"


def test_requests_shaped_like_the_seed_snippets_work(mock: Mock) -> None:
    """The seeds' fetch/axios snippets send Content-Type: application/json even without a body."""
    headers = {"Content-Type": "application/json"}
    listed = mock.get("/api/co/vehicles?registration_number=BT57225&reg=BT57225", headers=headers)
    unlinked = mock.delete("/api/co/vehicles?registration_number=EL42817&reg=EL42817", headers=headers)
    refreshed = mock.post("/api/co/vehicles/refresh/BT57225", headers=headers)
    assert (listed.status_code, unlinked.status_code, refreshed.status_code) == (200, 200, 200)
