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
    iter_responses,
    load_spec,
    org_nr_is_valid,
    pack_name,
    schema_validator,
)

SPEC = load_spec()
CASES = list(iter_example_cases(SPEC))
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


# Every example of every spec the mock serves: CarOwner's and each API pack's.
SPECS = {"carowner": SPEC, **{pack_name(path): load_spec(path) for path in PACK_SPEC_PATHS}}
ALL_CASES = [(api, case) for api, spec in SPECS.items() for case in iter_example_cases(spec)]


@pytest.mark.parametrize(("api", "case"), ALL_CASES, ids=[f"{api}: {case.label}" for api, case in ALL_CASES])
def test_example_satisfies_its_schema(api: str, case: ExampleCase) -> None:
    schema_validator(SPECS[api], case.schema_pointer).validate(case.value)


def test_every_pack_spec_has_examples_for_its_bodies_and_responses() -> None:
    assert PACK_SPEC_PATHS, "no API pack spec found"
    for api in SPECS:
        labels = " | ".join(case.label for name, case in ALL_CASES if name == api)
        assert " request application/json" in labels and " 200 application/json" in labels, api


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
