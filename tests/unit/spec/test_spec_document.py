"""The document as a whole: valid OpenAPI 3.0.3 with exactly the operations of the CarOwner API."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV30SpecValidator

from tests.unit.spec.spec_support import (
    PACK_SPEC_PATHS,
    SPEC_PATH,
    is_secured,
    iter_operations,
    load_spec,
    operations_by_id,
    pack_name,
)

EVERY_SPEC = [SPEC_PATH, *PACK_SPEC_PATHS]
EVERY_SPEC_IDS = ["carowner", *(pack_name(path) for path in PACK_SPEC_PATHS)]

# method, path, operationId, tag — binding names of the CarOwner API.
DOCUMENTED_OPERATIONS = [
    ("put", "/api/co/settings/notifications", "updateNotificationSettings", "Vehicles"),
    ("get", "/api/co/vehicles", "getVehicles", "Vehicles"),
    ("post", "/api/co/vehicles", "linkVehicle", "Vehicles"),
    ("delete", "/api/co/vehicles", "unlinkVehicle", "Vehicles"),
    ("post", "/api/co/vehicles/refresh/{reg}", "refreshVehicle", "Vehicles"),
    ("post", "/api/co/vehicles/set-primary", "setPrimaryVehicle", "Vehicles"),
    ("put", "/api/co/vehicles/{reg}", "updateVehicle", "Vehicles"),
    ("get", "/api/co/realtime/config", "getRealtimeConfig", "ServiceLog"),
    ("get", "/api/co/service-log/export-token", "createServiceLogExportToken", "ServiceLog"),
    ("get", "/api/co/service-log/latest", "getLatestServiceLogs", "ServiceLog"),
    ("get", "/api/co/service-log/list", "listServiceLogs", "ServiceLog"),
    ("get", "/api/co/service-log/summary", "getServiceLogSummary", "ServiceLog"),
    ("get", "/api/co/service-log/messages/{id}", "getServiceLogMessages", "ServiceLog"),
    ("get", "/api/co/service-log/vehicle-history/latest", "getLatestVehicleHistory", "ServiceLog"),
    ("get", "/api/co/service-log/vehicle-history/list", "listVehicleHistory", "ServiceLog"),
]
EXPORT_DOWNLOAD = ("get", "/api/co/service-log/export", "downloadServiceLogExport", "ServiceLog")


@pytest.fixture(scope="module")
def spec() -> dict:
    return load_spec()


@pytest.mark.parametrize("path", EVERY_SPEC, ids=EVERY_SPEC_IDS)
def test_spec_passes_the_openapi_30_validator(path) -> None:
    validate(load_spec(path), cls=OpenAPIV30SpecValidator)


@pytest.mark.parametrize("path", EVERY_SPEC, ids=EVERY_SPEC_IDS)
def test_spec_is_openapi_3_0_3_because_connexion_cannot_load_3_1(path) -> None:
    assert load_spec(path)["openapi"] == "3.0.3"


@pytest.mark.parametrize("path", PACK_SPEC_PATHS, ids=[pack_name(path) for path in PACK_SPEC_PATHS])
def test_pack_spec_operations_have_unique_ids_prefixed_with_the_pack_and_read_as_a_reference(path) -> None:
    spec, name = load_spec(path), pack_name(path)
    operations = list(iter_operations(spec))
    ids = [op.operation_id for op in operations]
    assert len(set(ids)) == len(ids) == len(operations)
    assert all(op_id and op_id.startswith(name) for op_id in ids), ids
    assert all(op.definition.get("summary") and op.definition.get("description") for op in operations)
    assert len(spec["info"]["description"]) > 200
    assert spec["tags"] and all(tag.get("description", "").strip() for tag in spec["tags"])
    # Secured, unless the operation opts out by name (`security: []`): a login that opens the session.
    open_ones = [op for op in operations if not is_secured(spec, op)]
    assert all(op.definition.get("security") == [] and "auth" in op.path for op in open_ones), open_ones
    assert len(open_ones) < len(operations)


def test_info_names_the_api_and_explains_its_conventions(spec: dict) -> None:
    info = spec["info"]
    assert info["title"] == "MinBil CarOwner API"
    assert info["version"]
    for topic in ("envelope", "problem+json", "normalised", "Bearer", "X-Request-ID"):
        assert topic in info["description"], topic


def test_servers_are_the_local_mock_and_production_without_base_path(spec: dict) -> None:
    assert [server["url"] for server in spec["servers"]] == [
        "http://localhost:5000",
        "https://api.minbil.no",
    ]


def test_tags_are_vehicles_and_servicelog_with_descriptions(spec: dict) -> None:
    tags = {tag["name"]: tag.get("description", "") for tag in spec["tags"]}
    assert set(tags) == {"Vehicles", "ServiceLog"}
    assert all(description.strip() for description in tags.values())


def test_bearer_auth_is_an_http_bearer_scheme_applied_globally(spec: dict) -> None:
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert spec["security"] == [{"bearerAuth": []}]


@pytest.mark.parametrize(
    ("method", "path", "operation_id", "tag"),
    [*DOCUMENTED_OPERATIONS, EXPORT_DOWNLOAD],
    ids=[operation_id for _, _, operation_id, _ in [*DOCUMENTED_OPERATIONS, EXPORT_DOWNLOAD]],
)
def test_documented_operation_exists_with_its_binding_operation_id_and_tag(
    spec: dict, method: str, path: str, operation_id: str, tag: str
) -> None:
    operation = spec["paths"][path][method]
    assert operation["operationId"] == operation_id
    assert operation["tags"] == [tag]


def test_the_spec_has_no_operations_beyond_the_documented_ones(spec: dict) -> None:
    documented = {(m, p) for m, p, _, _ in [*DOCUMENTED_OPERATIONS, EXPORT_DOWNLOAD]}
    present = {(op.method, op.path) for op in iter_operations(spec)}
    assert present == documented
    assert len(DOCUMENTED_OPERATIONS) == 15


def test_operation_ids_are_unique(spec: dict) -> None:
    ids = [op.operation_id for op in iter_operations(spec)]
    assert len(ids) == len(set(ids))


def test_every_path_carries_the_api_co_prefix(spec: dict) -> None:
    assert all(path.startswith("/api/co/") for path in spec["paths"])


def test_only_the_export_download_opts_out_of_bearer_auth(spec: dict) -> None:
    unsecured = {op.operation_id for op in iter_operations(spec) if not is_secured(spec, op)}
    assert unsecured == {"downloadServiceLogExport"}
    assert operations_by_id(spec)["downloadServiceLogExport"].definition["security"] == []


def test_openapi_core_loads_the_spec_and_checks_a_documented_response(spec: dict) -> None:
    import json

    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest, MockResponse
    from openapi_core.validation.response.exceptions import InvalidData

    api = OpenAPI.from_dict(spec)
    example = spec["components"]["examples"]["KarisVehicleList"]["value"]
    request = MockRequest("http://localhost:5000", "get", "/api/co/vehicles")
    headers = {"X-Request-ID": example["meta"]["request_id"]}

    def response(body: dict) -> MockResponse:
        return MockResponse(
            json.dumps(body).encode(), status_code=200, content_type="application/json", headers=headers
        )

    api.validate_response(request, response(example))
    broken = {**example, "data": [{**example["data"][0], "colour": 3}]}
    with pytest.raises(InvalidData):
        api.validate_response(request, response(broken))
