"""Compiled validators answer "valid" fast; Connexion's Python validators keep the last word on "invalid"."""

from __future__ import annotations

import copy
import typing as t
from functools import cache

import pytest
from connexion.exceptions import NonConformingResponseBody
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from connexion.spec import Specification
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from mock_server.fast_json import RememberingJsonifier
from mock_server.fast_validation import (
    PARAMETER,
    REQUEST_BODY,
    RESPONSE_BODY,
    CompiledSchemas,
    Flavour,
    response_validator_class,
    to_draft4,
    without_unused_components,
)
from mock_server.settings import SPEC_PATH

FORMATS = Draft4Validator.FORMAT_CHECKER
PYTHON_VALIDATORS: dict[Flavour, t.Any] = {
    PARAMETER: Draft4Validator,
    REQUEST_BODY: Draft4RequestValidator,
    RESPONSE_BODY: Draft4ResponseValidator,
}


class Case(t.NamedTuple):
    where: str
    flavour: Flavour
    schema: dict[str, t.Any]
    example: t.Any


def _examples(holder: dict[str, t.Any]) -> list[t.Any]:
    found = [holder["example"]] if "example" in holder else []
    found += [named["value"] for named in holder.get("examples", {}).values() if "value" in named]
    return found


@cache
def spec_cases() -> tuple[Case, ...]:
    """Every schema of openapi.yaml as Connexion resolves it, with each documented example of it."""
    cases = []
    for path, item in Specification.load(SPEC_PATH)["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "delete"}:
                continue
            for status, response in operation.get("responses", {}).items():
                media = response.get("content", {}).get("application/json") or response.get(
                    "content", {}
                ).get("application/problem+json")
                if media and "schema" in media:
                    where = f"{method.upper()} {path} {status}"
                    cases += [Case(where, RESPONSE_BODY, media["schema"], ex) for ex in _examples(media)]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "schema" in media:
                    cases += [
                        Case(f"{method} {path} body", REQUEST_BODY, media["schema"], ex)
                        for ex in _examples(media)
                    ]
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                schema = parameter.get("schema", parameter)
                examples = _examples(parameter) + _examples(schema)
                where = f"{method} {path} {parameter['name']}"
                cases += [Case(where, PARAMETER, schema, ex) for ex in examples]
    return tuple(cases)


COMPILED = CompiledSchemas()


@cache
def _python_validator(schema_id: int, flavour: Flavour) -> t.Any:
    case = next(c for c in spec_cases() if id(c.schema) == schema_id)
    return PYTHON_VALIDATORS[flavour](case.schema, format_checker=FORMATS)


def python_accepts(case: Case, instance: t.Any) -> bool:
    return bool(_python_validator(id(case.schema), case.flavour).is_valid(instance))


def test_every_documented_example_takes_the_compiled_path() -> None:
    cases = spec_cases()
    assert len(cases) > 90  # responses, bodies and parameters all have examples
    slow = [
        c.where
        for c in cases
        if python_accepts(c, c.example) and not COMPILED.accepts(c.schema, c.flavour, c.example)
    ]
    assert slow == []


LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=10)
    | st.sampled_from(
        [
            "",
            "BT57225",
            "bt 57225",
            "921460929",
            "2024-02-30",
            "2024-01-01",
            "2024-01-01T10:00:00Z",
            "2024-01-01T10:00:00",
            "petrol",
            "email",
            "push",
            "AB\n",
            "Grå",
            "a@b",
            "not-a-uuid",
        ]
    )
)
JSON_VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _slots(node: t.Any) -> list[tuple[t.Any, t.Any]]:
    """Every (container, key) in a JSON tree: the places a mutation can hit."""
    found: list[tuple[t.Any, t.Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((node, key))
            found += _slots(value)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((node, index))
            found += _slots(value)
    return found


@st.composite
def mutated_cases(draw: st.DrawFn) -> tuple[Case, t.Any]:
    case = draw(st.sampled_from(spec_cases()))
    value = copy.deepcopy(case.example)
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(value)
        if not slots:
            value = draw(JSON_VALUES | st.sampled_from([None, value]))
            continue
        container, key = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(["same-type", "same-type", "replace", "null", "delete", "add"]))
        if action == "delete" and isinstance(container, dict):
            del container[key]
        elif action == "add" and isinstance(container, dict):
            container[draw(st.text(max_size=6))] = draw(JSON_VALUES)
        elif action == "same-type":  # stays near-valid: exercises patterns, formats, enums and bounds
            container[key] = draw(_same_type(container[key]))
        else:
            container[key] = None if action == "null" else draw(JSON_VALUES)
    return case, value


def _same_type(old: t.Any) -> st.SearchStrategy[t.Any]:
    if isinstance(old, bool):
        return st.booleans()
    if isinstance(old, int):
        return st.integers(-5, 10**7) | st.just(old + 1) | st.just(-old)
    if isinstance(old, float):
        return st.floats(-1e6, 1e6, allow_nan=False) | st.integers(0, 100)
    if isinstance(old, str):
        return LEAVES.filter(lambda v: isinstance(v, str)) | st.just(old + "\n") | st.just(old.lower())
    return st.just(old)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_cases())
def test_the_compiled_validator_never_accepts_what_connexion_rejects(
    case_and_value: tuple[Case, t.Any],
) -> None:
    case, value = case_and_value
    if COMPILED.accepts(case.schema, case.flavour, value):
        assert python_accepts(case, value), case.where


def test_nullable_lets_null_through_type_and_enum_only() -> None:
    schema = {"type": "string", "enum": ["a"], "nullable": True, "minLength": 1}
    compiled = to_draft4(schema, REQUEST_BODY)
    assert compiled == {**schema, "type": ["string", "null"], "enum": ["a", None]}
    assert to_draft4(schema, PARAMETER) == schema  # Connexion's parameter validator ignores nullable


def test_only_formats_connexion_checks_are_compiled() -> None:
    day, at = {"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}
    schema = {"type": "object", "properties": {"day": day, "at": at}}
    compiled = to_draft4(schema, RESPONSE_BODY)
    assert "format" not in compiled["properties"]["day"]
    assert compiled["properties"]["at"]["format"] == "date-time"
    assert COMPILED.accepts(schema, RESPONSE_BODY, {"day": "2024-02-30", "at": "2024-01-01T00:00:00Z"})
    assert not COMPILED.accepts(schema, RESPONSE_BODY, {"day": "2024-02-30", "at": "yesterday"})


def test_property_names_that_look_like_keywords_are_left_alone() -> None:
    schema = {"type": "object", "properties": {"format": {"type": "string"}, "nullable": {"type": "boolean"}}}
    assert to_draft4(schema, REQUEST_BODY) == schema


def test_a_write_only_property_may_not_appear_in_a_response() -> None:
    schema = {"type": "object", "properties": {"secret": {"type": "string", "writeOnly": True}}}
    assert COMPILED.accepts(schema, REQUEST_BODY, {"secret": "x"})
    assert not COMPILED.accepts(schema, RESPONSE_BODY, {"secret": "x"})
    assert COMPILED.accepts(schema, RESPONSE_BODY, {})


def test_attached_components_are_dropped_once_refs_are_resolved() -> None:
    resolved = {"type": "object", "components": {"schemas": {"X": {"type": "integer"}}}}
    assert without_unused_components(resolved) == {"type": "object"}
    with_ref = {"$ref": "#/components/schemas/X", "components": {"schemas": {"X": {"type": "integer"}}}}
    assert without_unused_components(with_ref) is with_ref
    assert COMPILED.accepts(with_ref, RESPONSE_BODY, 3)
    assert not COMPILED.accepts(with_ref, RESPONSE_BODY, "3")


def test_values_the_compiled_engine_cannot_take_go_to_python() -> None:
    assert not COMPILED.accepts({"type": "object"}, RESPONSE_BODY, {1: "int key"})


def test_one_compiled_validator_per_schema_and_none_kept_for_missing_schemas() -> None:
    schemas = CompiledSchemas()
    schema = {"type": "integer"}
    assert schemas.validator(schema, RESPONSE_BODY) is schemas.validator(schema, RESPONSE_BODY)
    for _ in range(3):
        schemas.accepts({}, RESPONSE_BODY, "anything")  # Connexion's fresh {} for "no schema"
    assert len(schemas) == 1


def _response_validator(schema: dict[str, t.Any]) -> t.Any:
    cls = response_validator_class(CompiledSchemas())
    return cls({"type": "http"}, schema=schema, nullable=False, encoding="utf-8")


async def _send_through(validator: t.Any, body: bytes) -> list[dict[str, t.Any]]:
    sent: list[dict[str, t.Any]] = []

    async def send(message: dict[str, t.Any]) -> None:
        sent.append(message)

    wrapped = validator.wrap_send(send)
    await wrapped({"type": "http.response.start", "status": 200, "headers": []})
    await wrapped({"type": "http.response.body", "body": body})
    return sent


@pytest.mark.anyio
async def test_a_response_the_compiled_check_refuses_but_python_accepts_is_sent() -> None:
    # Python's "$" also matches before a final newline; the compiled regex does not.
    validator = _response_validator({"type": "string", "pattern": "^[A-Z]+$"})
    sent = await _send_through(validator, b'"AB\\n"')
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


@pytest.mark.anyio
async def test_a_non_conforming_response_is_still_refused() -> None:
    validator = _response_validator({"type": "object", "required": ["data"]})
    with pytest.raises(NonConformingResponseBody):
        await _send_through(validator, b'{"meta": {}}')


@pytest.mark.anyio
async def test_the_bytes_sent_are_judged_when_they_differ_from_what_was_encoded() -> None:
    schema = {"type": "object", "required": ["data"]}
    RememberingJsonifier().dumps({"data": 1})  # what the handler's body encoded to
    with pytest.raises(NonConformingResponseBody):
        await _send_through(_response_validator(schema), b'{"other": 1}')


@pytest.mark.anyio
async def test_an_encoded_object_the_compiled_engine_cannot_take_is_judged_from_its_bytes() -> None:
    from datetime import UTC, datetime

    jsonifier = RememberingJsonifier()
    text = jsonifier.dumps({"at": datetime(2024, 1, 1, tzinfo=UTC)})  # encoded by Connexion's default hook
    schema = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}
    sent = await _send_through(_response_validator(schema), text.encode())
    assert sent[-1]["body"] == text.encode()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
