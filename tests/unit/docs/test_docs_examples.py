"""Every example the pages show validates against the schema it is shown with, and is really shown."""

from __future__ import annotations

import json
from typing import Any

import pytest

from minbil_docs.calls import ChainValue
from tests.unit.docs.docs_helpers import page_text, plain_text, project_pages, spec_for, validator

SHOWN = [
    pytest.param(page, endpoint, example, id=f"{endpoint.operation.operation_id}-{example.name}")
    for page in project_pages()
    for endpoint in page.endpoints
    for example in endpoint.operation.examples()
]
CALLS = [
    pytest.param(page, endpoint, id=endpoint.operation.operation_id)
    for page in project_pages()
    for endpoint in page.endpoints
]


def test_every_api_page_shows_examples() -> None:
    assert len(SHOWN) > 50
    assert all(page.endpoints for page in project_pages() if page.kind == "api")


@pytest.mark.parametrize(("page", "endpoint", "example"), SHOWN)
def test_example_validates_against_its_schema(page: Any, endpoint: Any, example: Any) -> None:
    assert example.schema_pointer, f"{example.name} is shown without a schema"
    spec = spec_for(page.api_title)
    errors = sorted(validator(spec, example.schema_pointer).iter_errors(example.value), key=str)
    assert not errors, f"{endpoint.operation.operation_id}/{example.name}: {errors[0].message}"


@pytest.mark.parametrize(("page", "endpoint", "example"), SHOWN)
def test_example_appears_verbatim_on_its_pages(page: Any, endpoint: Any, example: Any) -> None:
    assert example.text in page_text(page.md_name)
    assert example.text in plain_text(page.html_name)


@pytest.mark.parametrize(("page", "endpoint"), CALLS)
def test_snippet_request_body_and_parameters_satisfy_the_spec(page: Any, endpoint: Any) -> None:
    spec, op, call = spec_for(page.api_title), endpoint.operation, endpoint.call
    if call.has_body:
        (content,) = [c for c in op.request if c.media_type == "application/json"]
        errors = list(validator(spec, content.schema_pointer).iter_errors(call.body))
        assert not errors, errors[0].message
    given = {**dict(call.path_values), **dict(call.query)}
    for param in op.parameters:
        value = given.get(param.name)
        if param.required and param.location != "header":
            assert param.name in given, f"required {param.name} missing"
        if value is None or isinstance(value, ChainValue):
            continue
        typed = json.loads(value) if param.json_encoded else _typed(spec, param.schema_pointer, value)
        errors = list(validator(spec, param.schema_pointer).iter_errors(typed))
        assert not errors, f"{param.name}={value!r}: {errors[0].message}"


def _typed(spec: Any, pointer: str, text: str) -> Any:
    """A query or path value as its schema's type (it travels as text)."""
    kind = spec.deref({"$ref": "#" + pointer}).get("type")
    return int(text) if kind == "integer" else float(text) if kind == "number" else text


@pytest.mark.parametrize(("page", "endpoint"), CALLS)
def test_parameter_examples_shown_in_the_table_satisfy_their_schemas(page: Any, endpoint: Any) -> None:
    spec = spec_for(page.api_title)
    for param in endpoint.operation.parameters:
        if param.example is not None:
            errors = list(validator(spec, param.schema_pointer).iter_errors(param.example))
            assert not errors, f"{param.name} example {param.example!r}: {errors[0].message}"
