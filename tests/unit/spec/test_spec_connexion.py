"""The spec as Connexion 3.3 reads it: it loads, enforces its own constraints on requests, and
every documented success example passes Connexion's response validation.

Handlers here only echo examples; the real handlers are tested elsewhere.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.spec.spec_support import deref, iter_named_example_values, iter_responses, load_spec

pytestmark = pytest.mark.filterwarnings(
    # Raised while importing connexion/starlette with the installed versions; not about the spec.
    "ignore:Using `httpx` with `starlette.testclient` is deprecated",
    r"ignore:jsonschema\..* is deprecated:DeprecationWarning",
)

AUTH = {"Authorization": "Bearer demo-kari"}
BEARER_CHECK = "tests.unit.spec.spec_support.accept_demo_token"

# A valid request for every operation (method, URL, httpx keyword arguments).
VALID_REQUESTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "updateNotificationSettings": (
        "put",
        "/api/co/settings/notifications",
        {"json": {"message.new": {"push": True}}},
    ),
    "getVehicles": ("get", "/api/co/vehicles", {}),
    "linkVehicle": ("post", "/api/co/vehicles", {"json": {"registration_number": "EL12345"}}),
    "unlinkVehicle": ("delete", "/api/co/vehicles?reg=BT57225", {}),
    "refreshVehicle": ("post", "/api/co/vehicles/refresh/EK39085", {}),
    "setPrimaryVehicle": (
        "post",
        "/api/co/vehicles/set-primary",
        {"json": {"registration_number": "EL12345"}},
    ),
    "updateVehicle": ("put", "/api/co/vehicles/BT57225", {"json": {"nickname": "Blåbæret"}}),
    "getRealtimeConfig": ("get", "/api/co/realtime/config", {}),
    "createServiceLogExportToken": (
        "get",
        "/api/co/service-log/export-token?registration_number=BT57225&date_from=2025-01-01&date_to=2025-12-31",
        {},
    ),
    "downloadServiceLogExport": ("get", "/api/co/service-log/export?token=eyJzdWIiOiJrYXJpIn0.sig", {}),
    "getLatestServiceLogs": ("get", "/api/co/service-log/latest?limit=3&workshop_org_nr=921460929", {}),
    "listServiceLogs": ("get", "/api/co/service-log/list?page=1&page_size=2", {}),
    "getServiceLogSummary": ("get", "/api/co/service-log/summary?date_from=2024-01-01", {}),
    "getServiceLogMessages": ("get", "/api/co/service-log/messages/17", {}),
    "getLatestVehicleHistory": ("get", "/api/co/service-log/vehicle-history/latest?limit=3", {}),
    "listVehicleHistory": ("get", "/api/co/service-log/vehicle-history/list?page=2&page_size=3", {}),
}


def _success_examples() -> list[tuple[str, int, str, str, Any]]:
    spec = load_spec()
    cases = []
    for response in iter_responses(spec):
        if not response.status.startswith("2"):
            continue
        for content_type, media in response.definition["content"].items():
            for name, raw in media["examples"].items():
                value = deref(spec, raw, "")[0]["value"]
                cases.append(
                    (response.operation.operation_id, int(response.status), content_type, name, value)
                )
    return cases


def _documented_headers() -> dict[tuple[str, int], dict[str, str]]:
    """Each success response's headers, filled with their examples (as a real server sends them)."""
    spec = load_spec()
    headers = {}
    for response in iter_responses(spec):
        if response.status.startswith("2"):
            declared = response.definition.get("headers", {}).items()
            headers[(response.operation.operation_id, int(response.status))] = {
                name: str(deref(spec, raw, "")[0]["example"]) for name, raw in declared
            }
    return headers


SUCCESS_EXAMPLES = _success_examples()
DOCUMENTED_HEADERS = _documented_headers()


def _has_meta(value: Any) -> bool:
    return isinstance(value, dict) and "meta" in value


class _ExampleAnswers:
    """Which example each operation answers with; set by a test before its request."""

    def __init__(self) -> None:
        self.chosen: dict[str, tuple[Any, int, str]] = {}

    def handler_for(self, operation_id: str):
        def handler(**_params: Any) -> tuple[Any, int, dict[str, str]]:
            value, status, content_type = self.chosen[operation_id]
            headers = dict(DOCUMENTED_HEADERS[(operation_id, status)])
            if _has_meta(value):
                headers["X-Request-ID"] = value["meta"]["request_id"]
            # Operations also produce problem+json, so the content type must be explicit; and
            # Connexion checks required response headers (X-Request-ID, Content-Disposition).
            return value, status, {**headers, "Content-Type": content_type}

        return handler


@pytest.fixture(scope="module")
def answers() -> _ExampleAnswers:
    return _ExampleAnswers()


@pytest.fixture(scope="module")
def client(answers: _ExampleAnswers):
    from connexion import AsyncApp
    from connexion.resolver import Resolution, Resolver

    class ExampleResolver(Resolver):
        def resolve(self, operation: Any) -> Resolution:
            return Resolution(answers.handler_for(operation.operation_id), operation.operation_id)

    spec = load_spec()
    spec["components"]["securitySchemes"]["bearerAuth"]["x-bearerInfoFunc"] = BEARER_CHECK
    app = AsyncApp(__name__)
    app.add_api(spec, resolver=ExampleResolver(), validate_responses=True, strict_validation=True)
    with app.test_client() as test_client:
        yield test_client


def _first_example_for(answers: _ExampleAnswers, operation_id: str) -> None:
    _, status, content_type, _, value = next(c for c in SUCCESS_EXAMPLES if c[0] == operation_id)
    answers.chosen[operation_id] = (value, status, content_type)


def test_every_operation_has_a_valid_request_for_these_checks() -> None:
    assert set(VALID_REQUESTS) == {case[0] for case in SUCCESS_EXAMPLES}


@pytest.mark.parametrize(
    ("operation_id", "status", "content_type", "name", "value"),
    SUCCESS_EXAMPLES,
    ids=[f"{c[0]}-{c[1]}-{c[3]}" for c in SUCCESS_EXAMPLES],
)
def test_success_example_passes_connexion_request_and_response_validation(
    client, answers: _ExampleAnswers, operation_id: str, status: int, content_type: str, name: str, value: Any
) -> None:
    answers.chosen[operation_id] = (value, status, content_type)
    method, url, kwargs = VALID_REQUESTS[operation_id]
    response = client.request(method, url, headers=AUTH, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["X-Request-ID"]
    if content_type == "application/json":
        assert response.json() == value
    else:
        assert response.text == value


def test_a_missing_bearer_token_is_refused(client, answers: _ExampleAnswers) -> None:
    _first_example_for(answers, "getVehicles")
    assert client.get("/api/co/vehicles").status_code == 401
    assert client.get("/api/co/vehicles", headers={"Authorization": "Bearer nobody"}).status_code == 401


def test_the_export_download_needs_no_bearer_token(client, answers: _ExampleAnswers) -> None:
    _first_example_for(answers, "downloadServiceLogExport")
    method, url, _ = VALID_REQUESTS["downloadServiceLogExport"]
    assert client.request(method, url).status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("get", "/api/co/service-log/latest?limit=string_value", {}),
        ("get", "/api/co/service-log/latest?limit=101", {}),
        ("get", "/api/co/service-log/list?page=0", {}),
        ("get", "/api/co/service-log/list?page_size=500", {}),
        ("get", "/api/co/service-log/summary?workshop_org_nr=92146092", {}),
        ("get", "/api/co/service-log/summary?date_from=12.02.2026", {}),
        ("get", "/api/co/service-log/messages/0", {}),
        ("get", "/api/co/vehicles?reg=BT57225!", {}),
        ("get", "/api/co/service-log/export", {}),
        ("post", "/api/co/vehicles", {"json": {"nickname": "Uten skilt"}}),
        ("post", "/api/co/vehicles", {"json": {"registration_number": "EL12345", "colour": "Blå"}}),
        ("post", "/api/co/vehicles", {"json": {"registration_number": "EL12345", "nickname": "x" * 41}}),
        ("post", "/api/co/vehicles", {"json": {"registration_number": "EL12345", "image": "ftp://x/y.jpg"}}),
        ("post", "/api/co/vehicles/set-primary", {"json": {"registration_number": "EL12345", "plate": "x"}}),
        ("put", "/api/co/vehicles/BT57225", {"json": {}}),
        ("put", "/api/co/settings/notifications", {"json": {"booking.cancelled": {"push": True}}}),
        ("put", "/api/co/settings/notifications", {"json": {"message.new": {"sms": True}}}),
        ("put", "/api/co/settings/notifications", {"json": {"message.new": {"push": "yes"}}}),
    ],
    ids=[
        "limit-not-integer",
        "limit-too-high",
        "page-zero",
        "page-size-too-high",
        "org-nr-8-digits",
        "date-not-iso",
        "message-id-zero",
        "plate-bad-characters",
        "export-without-token",
        "link-without-plate",
        "link-unknown-key",
        "nickname-too-long",
        "image-not-http",
        "set-primary-unknown-key",
        "empty-update",
        "unknown-event",
        "unknown-channel",
        "non-boolean-channel",
    ],
)
def test_requests_breaking_the_spec_are_refused_with_400(client, method: str, url: str, kwargs: dict) -> None:
    response = client.request(method, url, headers=AUTH, **kwargs)
    assert response.status_code == 400, response.text


def test_multipart_link_without_a_photo_is_accepted(client, answers: _ExampleAnswers) -> None:
    _first_example_for(answers, "linkVehicle")
    boundary = "minbil-form-boundary"
    parts = [("registration_number", "EL12345"), ("nickname", "Elbilen")]
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in parts
    )
    response = client.post(
        "/api/co/vehicles",
        content=f"{body}--{boundary}--\r\n".encode(),
        headers={**AUTH, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 201, response.text


def test_a_body_in_an_unlisted_media_type_is_refused_with_415(client) -> None:
    response = client.post(
        "/api/co/vehicles/set-primary",
        content=b"registration_number=EL12345",
        headers={**AUTH, "Content-Type": "text/plain"},
    )
    assert response.status_code == 415, response.text


def test_named_examples_exist_for_every_success_response() -> None:
    spec = load_spec()
    for response in iter_responses(spec):
        if response.status.startswith("2"):
            for media in response.definition["content"].values():
                assert list(iter_named_example_values(spec, media)), response.label
