"""Examples: every one validates against its schema, and the data in them is realistic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema.exceptions import ValidationError

from tests.unit.spec.spec_support import (
    PACK_SPEC_PATHS,
    ExampleCase,
    iter_example_cases,
    iter_named_example_values,
    iter_operations,
    iter_responses,
    load_spec,
    org_nr_is_valid,
    schema_validator,
)

SPEC = load_spec()
CASES = list(iter_example_cases(SPEC))
# The packs' examples, each with its own spec: (spec, case).
PACK_CASES = [(spec, case) for spec in map(load_spec, PACK_SPEC_PATHS) for case in iter_example_cases(spec)]
PROBLEM_JSON = "application/problem+json"


def _values(node: Any, key: str | None = None) -> Iterator[tuple[str | None, Any]]:
    """Every (key, scalar) pair inside an example value."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _values(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, key)
    else:
        yield key, node


@pytest.mark.parametrize("case", CASES, ids=[case.label for case in CASES])
def test_example_satisfies_its_schema(case: ExampleCase) -> None:
    schema_validator(SPEC, case.schema_pointer).validate(case.value)


@pytest.mark.parametrize(
    ("spec", "case"), PACK_CASES, ids=[f"{spec['info']['title']}: {case.label}" for spec, case in PACK_CASES]
)
def test_pack_example_satisfies_its_schema(spec: dict[str, Any], case: ExampleCase) -> None:
    schema_validator(spec, case.schema_pointer).validate(case.value)


def test_every_pack_operation_has_a_request_example_and_every_answer_an_example() -> None:
    for path in PACK_SPEC_PATHS:
        spec = load_spec(path)
        labels = {case.label for case in iter_example_cases(spec)}
        for op in iter_operations(spec):
            if op.method == "post":
                assert f"{op.label} request application/json (example)" in labels, op.label
            for status, raw in op.definition["responses"].items():
                media = spec["components"]["responses"][raw["$ref"].rsplit("/", 1)[1]]["content"][
                    "application/json"
                ]
                schema = spec["components"]["schemas"][media["schema"]["$ref"].rsplit("/", 1)[1]]
                assert "example" in media or "example" in schema, (op.label, status)


def test_examples_are_found_for_parameters_bodies_responses_and_headers() -> None:
    labels = " | ".join(case.label for case in CASES)
    for kind in (" parameter ", " request application/json", " request multipart/form-data", " header "):
        assert kind in labels, kind
    assert len(CASES) > 200


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ("VehicleDetailsEnvelope", {"data": {}, "meta": {}}),
        ("Meta", {"request_id": "not-a-uuid", "generated_at": "2026-02-12T10:00:00Z"}),
        (
            "Meta",
            {"request_id": "f59ee325-0445-4bd0-9bf1-73edcd7da151", "generated_at": "2026-02-12T10:00:00"},
        ),
        (
            "ExportToken",
            {
                "token": "t",
                "expires_at": "2026-02-12T10:15:00Z",
                "download_url": "not a url",
                "filters": {
                    "registration_number": None,
                    "workshop_org_nr": None,
                    "date_from": None,
                    "date_to": None,
                },
            },
        ),
        (
            "ServiceLogFilters",
            {"registration_number": "bt 57225", "workshop_org_nr": None, "date_from": None, "date_to": None},
        ),
        ("NotificationPreferencesPatch", {"message.new": {"sms": True}}),
        ("UpdateVehicleRequest", {}),
        ("LinkVehicleRequest", {"registration_number": "BT57225", "image": "data:image/gif;base64,R0lG"}),
    ],
    ids=[
        "placeholder-data",
        "bad-uuid",
        "naive-timestamp",
        "bad-uri",
        "unnormalised-plate",
        "unknown-channel",
        "empty-update",
        "gif-image",
    ],
)
def test_the_example_validator_rejects_what_the_schema_forbids(schema: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        schema_validator(SPEC, f"/components/schemas/{schema}").validate(value)


def test_problem_examples_agree_with_their_status_and_code() -> None:
    checked = 0
    for response in iter_responses(SPEC):
        media = response.definition.get("content", {}).get(PROBLEM_JSON)
        if media is None:
            continue
        for problem in iter_named_example_values(SPEC, media):
            kebab = problem["code"].lower().replace("_", "-")
            assert problem["status"] == int(response.status), response.label
            assert problem["type"] == f"https://api.minbil.no/problems/{kebab}"
            checked += 1
    assert checked > 50


def test_every_problem_code_has_an_example_with_one_title() -> None:
    titles: dict[str, set[str]] = {}
    for example in SPEC["components"]["examples"].values():
        if "code" in example["value"]:
            titles.setdefault(example["value"]["code"], set()).add(example["value"]["title"])
    routing_only = {"NOT_FOUND", "METHOD_NOT_ALLOWED"}  # raised by routing, not by any operation
    assert set(titles) == set(SPEC["components"]["schemas"]["ProblemCode"]["enum"]) - routing_only
    assert all(len(variants) == 1 for variants in titles.values())


def test_example_organisation_numbers_pass_the_mod_11_check() -> None:
    org_numbers = {
        value
        for case in CASES
        for key, value in _values(case.value)
        if key in {"org_nr", "workshop_org_nr"} and value is not None
    }
    org_numbers |= {
        case.value for case in CASES if "workshop_org_nr" in case.label and "parameter" in case.label
    }
    assert {"921460929", "923456783", "913579240"} <= org_numbers
    assert all(org_nr_is_valid(org_nr) for org_nr in org_numbers), org_numbers


def test_example_timestamps_are_timezone_aware() -> None:
    timestamp = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
    stamps = [
        v for case in CASES for _, v in _values(case.value) if isinstance(v, str) and timestamp.match(v)
    ]
    assert len(stamps) > 30
    assert all(re.search(r"(Z|[+-]\d{2}:\d{2})$", stamp) for stamp in stamps)


def test_examples_use_the_norwegian_demo_world() -> None:
    text = repr([case.value for case in CASES])
    for phrase in (
        "BT57225", "EL12345", "Blå", "Sølv", "Grå", "Oslo", "Bergen", "Trondheim",
        "EU-kontroll", "Service etter 60 000 km", "Skifte av bremseklosser foran",
    ):  # fmt: skip
        assert phrase in text, phrase


def test_no_example_keeps_a_placeholder_value() -> None:
    scalars = [v for case in CASES for _, v in _values(case.value)]
    assert "string_value" not in scalars
    assert not any(case.value == {} for case in CASES if "request" not in case.label)
