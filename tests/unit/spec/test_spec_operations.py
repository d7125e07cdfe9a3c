"""Operations: descriptions, parameters, bodies and every response they can really return."""

from __future__ import annotations

import pytest
import yaml

from tests.unit.spec.spec_support import (
    REQUEST_ID_HEADER,
    SPEC_PATH,
    Response,
    deref,
    is_secured,
    iter_operations,
    iter_parameters,
    iter_responses,
    load_spec,
    operations_by_id,
    problem_codes,
    request_body,
)

SPEC = load_spec()
OPERATIONS = list(iter_operations(SPEC))
RESPONSES = list(iter_responses(SPEC))
PROBLEM_JSON = "application/problem+json"

_UNAUTH = {"401": {"UNAUTHENTICATED"}}
_BODY_LIMITS = {"413": {"PAYLOAD_TOO_LARGE"}, "415": {"UNSUPPORTED_MEDIA_TYPE"}}
_REGISTRY = {"503": {"REGISTRY_UNAVAILABLE"}}
_QUERY_400 = {"400": {"VALIDATION_FAILED", "INVALID_REGISTRATION_NUMBER"}}
_RANGE_400 = {"400": {"VALIDATION_FAILED", "INVALID_REGISTRATION_NUMBER", "INVALID_DATE_RANGE"}}
_HISTORY_404 = {"404": {"NO_PRIMARY_VEHICLE", "VEHICLE_NOT_LINKED"}}

# Per operation: every error status it can return and exactly the codes each one carries.
EXPECTED_ERRORS: dict[str, dict[str, set[str]]] = {
    "updateNotificationSettings": {"400": {"VALIDATION_FAILED", "INVALID_JSON"}, **_UNAUTH, **_BODY_LIMITS},
    "getVehicles": {
        "400": {"VALIDATION_FAILED", "INVALID_REGISTRATION_NUMBER", "REGISTRATION_NUMBER_CONFLICT"},
        **_UNAUTH,
        "404": {"VEHICLE_NOT_LINKED"},
    },
    "linkVehicle": {
        "400": {
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "INVALID_REGISTRATION_NUMBER",
            "REGISTRATION_NUMBER_REQUIRED",
            "INVALID_IMAGE",
        },
        **_UNAUTH,
        "404": {"VEHICLE_NOT_FOUND_IN_REGISTRY"},
        **_BODY_LIMITS,
        **_REGISTRY,
    },
    "unlinkVehicle": {
        "400": {
            "VALIDATION_FAILED",
            "INVALID_REGISTRATION_NUMBER",
            "REGISTRATION_NUMBER_CONFLICT",
            "REGISTRATION_NUMBER_REQUIRED",
        },
        **_UNAUTH,
        "404": {"VEHICLE_NOT_LINKED"},
    },
    "refreshVehicle": {
        "400": {"VALIDATION_FAILED", "INVALID_REGISTRATION_NUMBER"},
        **_UNAUTH,
        "404": {"VEHICLE_NOT_LINKED", "VEHICLE_NOT_FOUND_IN_REGISTRY"},
        **_REGISTRY,
    },
    "setPrimaryVehicle": {
        "400": {
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "INVALID_REGISTRATION_NUMBER",
            "REGISTRATION_NUMBER_REQUIRED",
        },
        **_UNAUTH,
        "404": {"VEHICLE_NOT_LINKED"},
        **_BODY_LIMITS,
    },
    "updateVehicle": {
        "400": {"VALIDATION_FAILED", "INVALID_JSON", "INVALID_REGISTRATION_NUMBER", "INVALID_IMAGE"},
        **_UNAUTH,
        "404": {"VEHICLE_NOT_LINKED"},
        **_BODY_LIMITS,
    },
    "getRealtimeConfig": {**_UNAUTH},
    "createServiceLogExportToken": {**_RANGE_400, **_UNAUTH},
    "downloadServiceLogExport": {
        "400": {"VALIDATION_FAILED"},
        "401": {"EXPORT_TOKEN_EXPIRED"},
        "403": {"EXPORT_TOKEN_INVALID"},
    },
    "getLatestServiceLogs": {**_QUERY_400, **_UNAUTH},
    "listServiceLogs": {**_QUERY_400, **_UNAUTH},
    "getServiceLogSummary": {**_RANGE_400, **_UNAUTH},
    "getServiceLogMessages": {
        "400": {"VALIDATION_FAILED"},
        **_UNAUTH,
        "404": {"SERVICE_LOG_NOT_FOUND"},
    },
    "getLatestVehicleHistory": {**_QUERY_400, **_UNAUTH, **_HISTORY_404},
    "listVehicleHistory": {**_QUERY_400, **_UNAUTH, **_HISTORY_404},
}
EXPECTED_SUCCESS = {op_id: {"200"} for op_id in EXPECTED_ERRORS} | {"linkVehicle": {"201", "200"}}


def _label(item: object) -> str:
    return getattr(item, "label", str(item))


def _response(operation_id: str, status: str) -> Response:
    return next(r for r in RESPONSES if r.operation.operation_id == operation_id and r.status == status)


@pytest.mark.parametrize("operation", OPERATIONS, ids=_label)
def test_every_operation_has_id_one_tag_summary_and_description(operation) -> None:
    definition = operation.definition
    assert definition["operationId"]
    assert len(definition["tags"]) == 1
    assert definition["summary"].strip()
    assert len(definition["description"].strip()) > 60


def test_expectations_cover_every_operation() -> None:
    assert set(EXPECTED_ERRORS) == {op.operation_id for op in OPERATIONS}


@pytest.mark.parametrize("operation", OPERATIONS, ids=_label)
def test_operation_documents_exactly_its_success_and_error_statuses(operation) -> None:
    expected = EXPECTED_SUCCESS[operation.operation_id] | set(EXPECTED_ERRORS[operation.operation_id])
    assert set(operation.definition["responses"]) == expected


@pytest.mark.parametrize("operation", OPERATIONS, ids=_label)
def test_each_error_status_shows_an_example_for_exactly_its_codes(operation) -> None:
    for status, codes in EXPECTED_ERRORS[operation.operation_id].items():
        assert problem_codes(SPEC, _response(operation.operation_id, status)) == codes, status


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if is_secured(SPEC, op)], ids=_label)
def test_every_secured_operation_answers_401_unauthenticated(operation) -> None:
    assert problem_codes(SPEC, _response(operation.operation_id, "401")) == {"UNAUTHENTICATED"}


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if "requestBody" in op.definition], ids=_label)
def test_operations_with_a_body_answer_400_413_and_415(operation) -> None:
    responses = operation.definition["responses"]
    assert {"400", "413", "415"} <= set(responses)
    assert problem_codes(SPEC, _response(operation.operation_id, "413")) == {"PAYLOAD_TOO_LARGE"}
    assert problem_codes(SPEC, _response(operation.operation_id, "415")) == {"UNSUPPORTED_MEDIA_TYPE"}


def test_exactly_the_body_operations_are_the_four_mutations_with_bodies() -> None:
    with_body = {op.operation_id for op in OPERATIONS if "requestBody" in op.definition}
    assert with_body == {"updateNotificationSettings", "linkVehicle", "setPrimaryVehicle", "updateVehicle"}


@pytest.mark.parametrize("operation_id", ["linkVehicle", "refreshVehicle"])
def test_registry_backed_operations_answer_503_with_retry_after(operation_id: str) -> None:
    response = _response(operation_id, "503")
    header, _ = deref(SPEC, response.definition["headers"]["Retry-After"], "")
    assert header["required"] is True
    assert header["schema"]["type"] == "integer"


@pytest.mark.parametrize("response", RESPONSES, ids=_label)
def test_every_response_declares_the_request_id_header(response: Response) -> None:
    header, _ = deref(SPEC, response.definition["headers"][REQUEST_ID_HEADER], "")
    assert header["schema"] == {"type": "string", "format": "uuid"}


@pytest.mark.parametrize("response", RESPONSES, ids=_label)
def test_every_response_has_a_named_example_with_a_summary(response: Response) -> None:
    content = response.definition["content"]
    assert content
    for media in content.values():
        assert media.get("examples")
        for raw in media["examples"].values():
            example, _ = deref(SPEC, raw, "")
            assert example["summary"].strip()


@pytest.mark.parametrize("response", RESPONSES, ids=_label)
def test_errors_are_problem_json_and_successes_json(response: Response) -> None:
    media_types = set(response.definition["content"])
    if response.status.startswith("2"):
        csv = response.operation.operation_id == "downloadServiceLogExport"
        assert media_types == ({"text/csv"} if csv else {"application/json"})
    else:
        assert media_types == {PROBLEM_JSON}
        schema = response.definition["content"][PROBLEM_JSON]["schema"]
        assert schema == {"$ref": "#/components/schemas/Problem"}


def test_error_responses_are_reused_from_components() -> None:
    for operation in OPERATIONS:
        for status, raw in operation.definition["responses"].items():
            if not status.startswith("2"):
                assert raw["$ref"].startswith("#/components/responses/"), (operation.label, status)


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if "requestBody" in op.definition], ids=_label)
def test_every_request_body_is_required_and_has_named_examples(operation) -> None:
    body, _ = request_body(SPEC, operation)
    assert body["required"] is True
    for media in body["content"].values():
        assert media["examples"]
        for raw in media["examples"].values():
            example, _ = deref(SPEC, raw, "")
            assert example["summary"].strip()


@pytest.mark.parametrize("operation_id", ["linkVehicle", "updateVehicle"])
def test_vehicle_writes_accept_json_and_multipart_with_file_or_image_parts(operation_id: str) -> None:
    body, _ = request_body(SPEC, operations_by_id(SPEC)[operation_id])
    assert set(body["content"]) == {"application/json", "multipart/form-data"}
    form, _ = deref(SPEC, body["content"]["multipart/form-data"]["schema"], "")
    for part in ("file", "image"):
        assert (form["properties"][part]["type"], form["properties"][part]["format"]) == ("string", "binary")


def test_get_vehicles_200_data_is_a_list_of_summaries_or_one_vehicle_details() -> None:
    schema, _ = deref(
        SPEC, _response("getVehicles", "200").definition["content"]["application/json"]["schema"], ""
    )
    variants = schema["properties"]["data"]["oneOf"]
    resolved = [deref(SPEC, variant, "")[0] for variant in variants]
    assert resolved[0]["type"] == "array"
    assert resolved[0]["items"] == {"$ref": "#/components/schemas/VehicleSummary"}
    assert variants[1] == {"$ref": "#/components/schemas/VehicleDetails"}


def _parameters(operation_id: str) -> dict[tuple[str, str], dict]:
    operation = operations_by_id(SPEC)[operation_id]
    return {(p["in"], p["name"]): p for p, _ in iter_parameters(SPEC, operation)}


def _param_schema(parameter: dict) -> dict:
    return deref(SPEC, parameter["schema"], "")[0]


LENIENT_PLATE = "^[ -]*([A-Za-z0-9ÆØÅæøå][ -]*){2,7}$"


@pytest.mark.parametrize("operation_id", ["getVehicles", "unlinkVehicle"])
def test_vehicle_lookups_take_registration_number_and_its_alias_reg(operation_id: str) -> None:
    params = _parameters(operation_id)
    assert set(params) == {("query", "registration_number"), ("query", "reg")}
    for parameter in params.values():
        assert parameter.get("required", False) is False
        assert _param_schema(parameter)["pattern"] == LENIENT_PLATE


# Parameters of one operation that name the same thing, or exclude each other.
EXCLUSIVE_PARAMETERS = [{"registration_number", "reg"}, {"kjennemerke", "understellsnummer"}]


def _prefilled(spec: dict, parameter: dict) -> bool:
    """Whether Swagger UI's "Try it out" fills the parameter in: from its examples, example, its
    schema's example or default, or its default (swagger-ui, ParameterRow.setDefaultValue)."""
    schema = deref(spec, parameter.get("schema", {}), "")[0]
    sources = [(parameter, "examples"), (parameter, "example"), (schema, "example"), (schema, "default")]
    return any(key in holder for holder, key in [*sources, (parameter, "default")])


@pytest.mark.parametrize(
    "spec_path",
    ["openapi.yaml", "mock_server/control/control.yaml", "mock_server/packs/registry/vegvesen.yaml"],
)
def test_swagger_ui_fills_in_at_most_one_of_parameters_that_exclude_each_other(spec_path: str) -> None:
    spec = yaml.safe_load((SPEC_PATH.parent / spec_path).read_text(encoding="utf-8"))
    for operation in iter_operations(spec):
        parameters = [deref(spec, p, "")[0] for p in operation.definition.get("parameters", [])]
        filled = {p["name"] for p in parameters if _prefilled(spec, p)}
        for group in EXCLUSIVE_PARAMETERS:
            assert len(filled & group) <= 1, f"{operation.label} fills in {sorted(filled & group)}"


@pytest.mark.parametrize("operation_id", ["refreshVehicle", "updateVehicle"])
def test_vehicle_path_operations_take_the_plate_as_reg(operation_id: str) -> None:
    parameter = _parameters(operation_id)[("path", "reg")]
    assert parameter["required"] is True
    assert _param_schema(parameter)["pattern"] == LENIENT_PLATE


@pytest.mark.parametrize(
    ("operation_id", "expected"),
    [
        ("getLatestServiceLogs", {"limit", "registration_number", "workshop_org_nr"}),
        ("listServiceLogs", {"page", "page_size", "registration_number", "workshop_org_nr"}),
        ("getServiceLogSummary", {"registration_number", "workshop_org_nr", "date_from", "date_to"}),
        ("createServiceLogExportToken", {"registration_number", "workshop_org_nr", "date_from", "date_to"}),
        ("getLatestVehicleHistory", {"limit", "registration_number", "workshop_org_nr"}),
        ("listVehicleHistory", {"page", "page_size", "registration_number", "workshop_org_nr"}),
    ],
)
def test_service_log_queries_take_their_documented_filters(operation_id: str, expected: set[str]) -> None:
    params = _parameters(operation_id)
    assert {name for (location, name) in params if location == "query"} == expected
    assert not any(p.get("required") for p in params.values())


@pytest.mark.parametrize(
    ("name", "default", "minimum", "maximum"),
    [("limit", 10, 1, 100), ("page", 1, 1, 100000), ("page_size", 20, 1, 100)],
)
def test_paging_integers_have_documented_defaults_and_bounds(
    name: str, default: int, minimum: int, maximum: int
) -> None:
    for operation in OPERATIONS:
        for parameter, _ in iter_parameters(SPEC, operation):
            if parameter["name"] == name:
                schema = _param_schema(parameter)
                assert schema["type"] == "integer"
                assert (schema["default"], schema["minimum"], schema["maximum"]) == (
                    default,
                    minimum,
                    maximum,
                )


def test_filters_have_their_documented_types() -> None:
    params = _parameters("getServiceLogSummary")
    assert _param_schema(params[("query", "workshop_org_nr")])["pattern"] == "^[0-9]{9}$"
    for name in ("date_from", "date_to"):
        schema = _param_schema(params[("query", name)])
        assert (schema["type"], schema["format"]) == ("string", "date")
        assert schema["pattern"] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    message_id = _parameters("getServiceLogMessages")[("path", "id")]
    assert _param_schema(message_id) == {"type": "integer", "minimum": 1}


def test_export_download_takes_the_required_token_and_serves_csv() -> None:
    token = _parameters("downloadServiceLogExport")[("query", "token")]
    assert token["required"] is True
    assert "Content-Disposition" in _response("downloadServiceLogExport", "200").definition["headers"]


@pytest.mark.parametrize(
    ("operation_id", "phrases"),
    [
        ("linkVehicle", ["201", "200", "first vehicle becomes primary", "VEHICLE_NOT_FOUND_IN_REGISTRY"]),
        ("unlinkVehicle", ["record itself is **kept**", "most recent `updated_at` becomes primary"]),
        ("setPrimaryVehicle", ["**exactly** the given vehicle is primary"]),
        ("updateNotificationSettings", ["Only the given event/channel pairs", "nothing changes"]),
        ("createServiceLogExportToken", ["15 minutes"]),
        ("getLatestVehicleHistory", ["**primary vehicle**", "NO_PRIMARY_VEHICLE"]),
        ("getVehicles", ["REGISTRATION_NUMBER_CONFLICT", "VEHICLE_NOT_LINKED"]),
    ],
)
def test_descriptions_carry_the_behaviour_contract(operation_id: str, phrases: list[str]) -> None:
    description = operations_by_id(SPEC)[operation_id].definition["description"]
    for phrase in phrases:
        assert phrase in description, phrase
