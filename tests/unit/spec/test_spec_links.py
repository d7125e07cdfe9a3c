"""OpenAPI links: they name real operations and parameters, and their expressions resolve."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.spec.spec_support import (
    Response,
    deref,
    iter_named_example_values,
    iter_parameters,
    iter_responses,
    load_spec,
    operations_by_id,
    request_body,
    resolve_pointer,
    schema_validator,
)

SPEC = load_spec()
OPERATIONS = operations_by_id(SPEC)
LINKED = [
    (response, name, deref(SPEC, raw, "")[0])
    for response in iter_responses(SPEC)
    for name, raw in response.definition.get("links", {}).items()
]
BODY_PREFIX = "$response.body#"
VEHICLE_FOLLOW_UPS = {"getVehicles", "updateVehicle", "refreshVehicle", "setPrimaryVehicle", "unlinkVehicle"}


def _link_id(item: tuple[Response, str, dict]) -> str:
    response, name, _ = item
    return f"{response.label} -> {name}"


def _target_parameter(link: dict, qualified: str) -> tuple[dict, str]:
    location, name = qualified.split(".", 1)
    target = OPERATIONS[link["operationId"]]
    for parameter, pointer in iter_parameters(SPEC, target):
        if (parameter["in"], parameter["name"]) == (location, name):
            return parameter, pointer
    raise AssertionError(f"{link['operationId']} has no {location} parameter {name!r}")


def _expressions(link: dict) -> list[tuple[str, str]]:
    """(schema pointer in the target, runtime expression) for every value the link supplies."""
    pairs = []
    for qualified, expression in link.get("parameters", {}).items():
        _, pointer = _target_parameter(link, qualified)
        pairs.append((f"{pointer}/schema", expression))
    if "requestBody" in link:
        body, pointer = request_body(SPEC, OPERATIONS[link["operationId"]])
        schema, schema_pointer = deref(
            SPEC, body["content"]["application/json"]["schema"], f"{pointer}/content/application~1json/schema"
        )
        for field, expression in link["requestBody"].items():
            assert field in schema["properties"], field
            pairs.append((f"{schema_pointer}/properties/{field}", expression))
    return pairs


def test_links_exist_where_stateful_testing_needs_them() -> None:
    assert len(LINKED) >= 12


@pytest.mark.parametrize("item", LINKED, ids=_link_id)
def test_link_targets_an_existing_operation(item: tuple[Response, str, dict]) -> None:
    _, _, link = item
    assert link["operationId"] in OPERATIONS
    assert "operationRef" not in link


@pytest.mark.parametrize("item", LINKED, ids=_link_id)
def test_link_parameters_are_qualified_and_exist_on_the_target(item: tuple[Response, str, dict]) -> None:
    _, _, link = item
    for qualified in link.get("parameters", {}):
        assert qualified.split(".", 1)[0] in {"path", "query"}, qualified
        _target_parameter(link, qualified)


@pytest.mark.parametrize("item", LINKED, ids=_link_id)
def test_link_expressions_resolve_in_the_source_examples_to_valid_target_values(
    item: tuple[Response, str, dict],
) -> None:
    response, _, link = item
    examples = list(iter_named_example_values(SPEC, response.definition["content"]["application/json"]))
    for schema_pointer, expression in _expressions(link):
        assert expression.startswith(BODY_PREFIX), expression
        pointer = expression.removeprefix(BODY_PREFIX)
        resolved: list[Any] = []
        for example in examples:
            try:
                resolved.append(resolve_pointer(example, pointer))
            except (KeyError, IndexError):
                continue  # e.g. an empty page: nothing to follow, which is fine at run time too
        assert resolved, f"{expression} resolves in no example of {response.label}"
        validator = schema_validator(SPEC, schema_pointer)
        for value in resolved:
            validator.validate(value)


@pytest.mark.parametrize("status", ["201", "200"])
def test_linking_a_vehicle_leads_to_every_follow_up_on_that_vehicle(status: str) -> None:
    links = OPERATIONS["linkVehicle"].definition["responses"][status]["links"]
    targets = {deref(SPEC, raw, "")[0]["operationId"] for raw in links.values()}
    assert targets == VEHICLE_FOLLOW_UPS


def test_set_primary_link_fills_the_request_body_with_the_linked_plate() -> None:
    link = SPEC["components"]["links"]["SetLinkedVehicleAsPrimary"]
    assert link["requestBody"] == {"registration_number": "$response.body#/data/registration_number"}


@pytest.mark.parametrize("operation_id", ["listServiceLogs", "getLatestServiceLogs"])
def test_service_log_lists_lead_to_the_first_entry_messages(operation_id: str) -> None:
    links = OPERATIONS[operation_id].definition["responses"]["200"]["links"]
    link = deref(SPEC, links["MessagesOfFirstEntry"], "")[0]
    assert link["operationId"] == "getServiceLogMessages"
    assert link["parameters"] == {"path.id": "$response.body#/data/0/id"}


def test_schemathesis_turns_every_link_into_a_state_machine_transition() -> None:
    import schemathesis

    machine = schemathesis.openapi.from_dict(load_spec()).as_state_machine()
    rules = [name for name in dir(machine) if "__" in name and not name.startswith(("_", "RANDOM"))]
    for response, name, _ in LINKED:
        source = f"{response.operation.method.upper()}_"
        expected = f"___{response.status}_{name}__"
        assert any(rule.startswith(source) and expected in rule for rule in rules), (response.label, name)
