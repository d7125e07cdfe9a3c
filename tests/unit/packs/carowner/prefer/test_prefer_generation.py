"""Prefer parts without HTTP: the header grammar and schema-valid generated bodies for every response."""

from __future__ import annotations

import random

import pytest
import yaml
from connexion.json_schema import Draft4ResponseValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.packs.carowner.prefer import DocumentedResponses, Preference, PreferError, parse_prefer
from mock_server.packs.carowner.prefer.dynamic import SchemaFaker
from mock_server.settings import SPEC_PATH

DOCUMENTED = DocumentedResponses(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))
RESPONSES = [
    pytest.param(response, id=f"{operation_id}-{status}")
    for operation_id in (
        "getVehicles", "linkVehicle", "unlinkVehicle", "listServiceLogs", "getServiceLogSummary",
        "getServiceLogMessages", "listVehicleHistory", "createServiceLogExportToken", "getRealtimeConfig",
        "updateNotificationSettings",
    )
    for status, response in DOCUMENTED.responses(operation_id).items()
    if response.schema is not None
]  # fmt: skip


@pytest.mark.parametrize("response", RESPONSES)
def test_the_generator_finds_a_schema_valid_body_for_every_documented_response(response) -> None:
    validator = Draft4ResponseValidator(
        response.schema, format_checker=Draft4ResponseValidator.FORMAT_CHECKER
    )
    faker = SchemaFaker(random.Random(1))
    valid = sum(validator.is_valid(faker.value(dict(response.schema))) for _ in range(25))
    assert valid >= 5, f"only {valid} of 25 generated bodies were valid"


@settings(max_examples=200)
@given(
    pattern=st.sampled_from(
        [
            r"^[ -]*([A-Za-z0-9ÆØÅæøå][ -]*){2,7}$",
            r"^[0-9]{9}$",
            r"^vh-[A-Z0-9]+-[0-9]{4}$",
            r"^https://api\.minbil\.no/problems/[a-z0-9]+(-[a-z0-9]+)*$",
            r"^(a|bc|d{2,3})x?$",
        ]
    ),
    seed=st.integers(0, 2**32),
)
def test_strings_generated_from_a_pattern_match_it(pattern: str, seed: int) -> None:
    import re

    assert re.search(pattern, SchemaFaker(random.Random(seed)).matching(pattern))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["code=404"], Preference(code=404)),
        (['example="vehicleNotLinked"'], Preference(example="vehicleNotLinked")),
        (["code=200", "dynamic=true"], Preference(code=200, dynamic=True)),
        (["Code=200,  DYNAMIC=TRUE"], Preference(code=200, dynamic=True)),
        (["dynamic=false"], Preference()),
    ],
)
def test_the_prefer_header_reads_like_rfc_7240(header: list[str], expected: Preference) -> None:
    assert parse_prefer(header) == expected


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_any_prefer_text_is_read_or_refused_with_a_reason_never_crashes(text: str) -> None:
    try:
        preference = parse_prefer([text])
    except PreferError as error:
        assert str(error)
    else:
        assert preference.code is None or 100 <= preference.code <= 599


def test_a_choice_is_always_a_documented_response() -> None:
    choice = DOCUMENTED.choose("linkVehicle", Preference(code=503))
    assert choice.response.status == 503 and choice.example is not None
    with pytest.raises(PreferError, match="not documented"):
        DOCUMENTED.choose("linkVehicle", Preference(code=418))
