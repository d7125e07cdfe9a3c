"""A refused body is told in words: the field, why its value is refused and, where the body may take
several forms, which fields are allowed — never a Python repr of the body or of the schema."""

from __future__ import annotations

import re
import typing as t
from collections.abc import Iterator

import pytest
from connexion.json_schema import resolve_refs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.control.api import BASE_PATH as CONTROL_BASE_PATH
from mock_server.control.api import load_spec as load_control_spec
from mock_server.settings import SPEC_PATH
from mock_server.yaml_files import load_yaml
from tests.integration.conftest import KARI, Mock

# What a Python repr of a dict, a list or a JSON literal looks like inside a sentence.
_REPR = re.compile(r"\{'|\['|\[\]|\{\}|\[\{|\[\[|\{\[|\b(True|False|None) (is|does|should)\b")


def _json_body_operations() -> list[tuple[str, str, t.Any]]:
    """(method, url, an example body) of every operation of both specs that takes a JSON body."""
    found = []
    for spec, base in ((load_yaml(SPEC_PATH), ""), (load_control_spec(), CONTROL_BASE_PATH)):
        resolved = resolve_refs(spec)
        for path, item in resolved["paths"].items():
            for method, operation in item.items():
                media = operation.get("requestBody", {}).get("content", {}).get("application/json")
                if not isinstance(operation, dict) or media is None:
                    continue
                url = base + path
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "path":
                        value = str(parameter.get("example", parameter["schema"].get("example", "x")))
                        url = url.replace("{" + parameter["name"] + "}", value)
                example = next(iter(media.get("examples", {}).values()), {}).get("value", {})
                found.append((method.upper(), url, example))
    return found


def _query_operations() -> list[tuple[str, str, list[str]]]:
    """(method, url, query parameter names) of every operation of both specs with query parameters."""
    found = []
    for spec, base in ((load_yaml(SPEC_PATH), ""), (load_control_spec(), CONTROL_BASE_PATH)):
        for path, item in resolve_refs(spec)["paths"].items():
            for method, operation in item.items():
                names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
                if names and "{" not in path:
                    found.append((method.upper(), base + path, names))
    return found


OPERATIONS = _json_body_operations()
QUERY_OPERATIONS = _query_operations()
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def invalid_bodies(draw: st.DrawFn, example: t.Any) -> t.Any:
    """Anything at all, or the operation's own example with one field replaced, added or removed."""
    if not isinstance(example, dict) or not example or draw(st.booleans()):
        return draw(JSON_VALUES)
    body = dict(example)
    name = draw(st.sampled_from([*sorted(body), "unexpected"]))
    if draw(st.booleans()):
        body.pop(name, None)
    else:
        body[name] = draw(JSON_VALUES)
    return body


def _containers(value: t.Any) -> Iterator[t.Any]:
    if isinstance(value, dict | list):
        yield value
        for inner in value.values() if isinstance(value, dict) else value:
            yield from _containers(inner)


def _strings(value: t.Any) -> Iterator[str]:
    """Every string the request sent (keys too): quoted in a message, they are the value, not a repr."""
    if isinstance(value, str):
        yield value
    for container in _containers(value):
        yield from (s for s in (container if isinstance(container, dict) else []) if isinstance(s, str))
        yield from (
            s
            for s in (container.values() if isinstance(container, dict) else container)
            if isinstance(s, str)
        )


def _reprs_in(answer: t.Any, sent: t.Any) -> list[str]:
    problem = answer.json()
    messages = [problem["detail"], *(e["message"] for e in problem.get("errors", []))]
    reprs = [repr(c) for c in _containers(sent)]
    quoted = sorted({repr(s) for s in _strings(sent)}, key=len, reverse=True)
    leaks = []
    for message in messages:
        scrubbed = message
        for text in quoted:
            scrubbed = scrubbed.replace(text, "''")
        for key in _strings(sent):  # a sent key named as the field (`body.[{: ...`) is the client's own text
            scrubbed = scrubbed.replace(f"body.{key}:", "body.'':")
        if _REPR.search(scrubbed) or any(r in message for r in reprs):
            leaks.append(message)
    return leaks


QUERY_VALUES = st.sampled_from(["x", "", "0", "-1", "101", "sms", "2026-13-01", "true", "BT57225"]) | st.text(
    max_size=5
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    request=st.sampled_from(OPERATIONS).flatmap(
        lambda op: st.tuples(st.just(op[0]), st.just(op[1]), invalid_bodies(op[2]))
    )
)
def test_no_refused_body_is_told_with_a_python_repr(
    shared_mock: Mock, request: tuple[str, str, t.Any]
) -> None:
    method, url, body = request
    answer = shared_mock.client.request(method, url, json=body, headers=shared_mock.as_user(KARI))
    if answer.status_code >= 400 and answer.headers["content-type"] == "application/problem+json":
        assert _reprs_in(answer, body) == []


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    request=st.sampled_from(QUERY_OPERATIONS).flatmap(
        lambda op: st.tuples(
            st.just(op[0]), st.just(op[1]), st.dictionaries(st.sampled_from(op[2]), QUERY_VALUES, min_size=1)
        )
    )
)
def test_no_refused_query_parameter_is_told_with_a_python_repr(
    shared_mock: Mock, request: tuple[str, str, dict[str, str]]
) -> None:
    method, url, query = request
    answer = shared_mock.client.request(method, url, params=query, headers=shared_mock.as_user(KARI))
    if answer.status_code >= 400 and answer.headers["content-type"] == "application/problem+json":
        assert _reprs_in(answer, query) == []


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"hours": -1}, "body.hours", ["minimum of 0", "days, hours, minutes, seconds", "or to"]),
        ({}, "body", ["none of the allowed forms", "days, hours, minutes, seconds", "or to"]),
        ({"to": "soon"}, "body.to", ["date-time"]),
        ({"hours": 1, "to": "2030-01-01T00:00:00Z"}, "body", ["none of the allowed forms"]),
        ([1], "body", ["an array is not of type 'object'"]),
    ],
)
def test_a_refused_clock_move_says_which_fields_are_allowed_and_why(
    shared_mock: Mock, body: t.Any, field: str, words: list[str]
) -> None:
    answer = shared_mock.post("/__mock/sandbox/clock", json=body)
    assert (answer.status_code, answer.json()["code"]) == (400, "VALIDATION_FAILED")
    [error] = answer.json()["errors"]
    assert error["field"] == field and all(word in error["message"] for word in words), error


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"type": "booking.moved"}, "body.type", ["'booking.moved' is not one of booking.requested", "new"]),
        ({"registration_number": "EL23456"}, "body.type", ["is required", "booking.requested"]),
        ({"type": "booking.updated", "booking_id": "x"}, "body", ["one of appointment_date, description"]),
        ({"type": "message.new", "service_log_id": 0, "body": "Hi"}, "body.service_log_id", ["minimum of 1"]),
    ],
)  # fmt: skip
def test_a_refused_workshop_event_is_told_for_the_event_it_names(
    shared_mock: Mock, body: t.Any, field: str, words: list[str]
) -> None:
    answer = shared_mock.post("/__mock/sandbox/workshop-events", json=body)
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["field"] == field and all(word in error["message"] for word in words), error


def test_an_unsupported_content_type_lists_the_accepted_ones_in_words(shared_mock: Mock) -> None:
    answer = shared_mock.post("/api/co/vehicles", content=b"x", headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415
    assert answer.json()["detail"].endswith("expected application/json, multipart/form-data")


def test_a_form_body_gets_the_same_field_errors_as_a_json_body(shared_mock: Mock) -> None:
    image = {"image": ("car.png", b"\x89PNG\r\n\x1a\n", "image/png")}
    missing = shared_mock.post("/api/co/vehicles", data={"nickname": "Bil"}, files=image)
    assert missing.json()["code"] == "REGISTRATION_NUMBER_REQUIRED"
    long = shared_mock.post(
        "/api/co/vehicles", data={"registration_number": "CV12345", "nickname": "x" * 300}, files=image
    )
    assert long.status_code == 400 and [e["field"] for e in long.json()["errors"]] == ["body.nickname"]
