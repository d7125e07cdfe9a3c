"""A form schemathesis meant as invalid, but which arrived as valid text, is no failure of the server."""

from __future__ import annotations

import functools
import json
import re
from types import SimpleNamespace

import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.transport.serialization import Binary

from contracts.options import DEFAULT_SPEC
from contracts.suites.form_wire import valid_as_sent

JPEG = Binary(b"\xff\xd8\xff\xe0 not checked here")  # how schemathesis hands a file part over
PLATE_INPUT = re.compile(r"^[ -]*([A-Za-z0-9ÆØÅæøå][ -]*){2,7}$")  # the spec's RegistrationNumberInput


@functools.cache
def _link_operation():
    return schemathesis.openapi.from_path(DEFAULT_SPEC)["/api/co/vehicles"]["POST"]


def _recorder(body: object, media_type: str = "multipart/form-data") -> SimpleNamespace:
    case = SimpleNamespace(media_type=media_type, body=body, operation=_link_operation())
    return SimpleNamespace(cases={"case": SimpleNamespace(value=case)})


def test_a_null_plate_in_a_form_arrives_as_the_valid_text_null() -> None:
    reason = valid_as_sent(_recorder({"registration_number": None, "nickname": "Bil"}), "case")
    assert reason == "the form carried registration_number='null' as text, which the schema allows"


def test_a_form_still_invalid_as_text_keeps_its_failure() -> None:
    too_long = "x" * 41  # nickname has maxLength 40
    assert valid_as_sent(_recorder({"registration_number": None, "nickname": too_long}), "case") is None


def test_json_carries_null_itself_so_its_failure_stands() -> None:
    body = {"registration_number": None}
    assert valid_as_sent(_recorder(body, "application/json"), "case") is None


def test_a_form_of_strings_only_was_sent_as_generated() -> None:
    assert valid_as_sent(_recorder({"registration_number": "!!"}), "case") is None
    assert valid_as_sent(_recorder({"registration_number": "BT57225"}), "case") is None


def test_repeated_parts_are_left_alone() -> None:
    assert valid_as_sent(_recorder({"registration_number": [None, None]}), "case") is None


@given(plate=st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False))
def test_a_generated_scalar_is_dismissed_exactly_when_its_text_is_a_valid_plate(plate: object) -> None:
    text = json.dumps(plate)
    valid = bool(PLATE_INPUT.match(text)) and len(text) <= 20
    reason = valid_as_sent(_recorder({"registration_number": plate, "file": JPEG}), "case")
    assert (reason is not None) == valid, (text, reason)
    assert reason is None or "file" not in reason, "a file part goes as it was generated"
