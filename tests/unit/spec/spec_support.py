"""Loading and walking openapi.yaml for the spec tests.

Everything here reads the spec; nothing imports the mock server, so these tests judge the
document on its own.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT4

SPEC_PATH = Path(__file__).resolve().parents[3] / "openapi.yaml"
# The API packs' specs (mock_server/packs/<name>/openapi.yaml): the generic spec tests run over them too.
PACK_SPEC_PATHS = tuple(sorted((SPEC_PATH.parent / "mock_server" / "packs").glob("*/openapi.yaml")))
SPEC_URI = "urn:minbil:carowner-openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
SCHEMA_COMPOSITIONS = ("oneOf", "anyOf", "allOf")
REQUEST_ID_HEADER = "X-Request-ID"


@functools.cache
def _load_spec_once(path: Path = SPEC_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """A fresh copy of the spec (the CarOwner one unless told), so no test can change what another sees."""
    return copy.deepcopy(_load_spec_once(path))


def pack_name(path: Path) -> str:
    return path.parent.name


# ---------------------------------------------------------------- JSON pointers and $refs


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def child(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join(f"/{escape_token(str(token))}" for token in tokens)


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 look-up; raises KeyError/IndexError when the pointer does not resolve."""
    node = document
    if not pointer:
        return node
    for raw in pointer.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def deref(spec: dict[str, Any], node: Any, pointer: str) -> tuple[Any, str]:
    """Follow reference objects ({"$ref": "#/..."}) to the object and the pointer where it lives."""
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"].removeprefix("#")
        node = resolve_pointer(spec, pointer)
    return node, pointer


# ---------------------------------------------------------------- operations and responses


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    pointer: str
    definition: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def operation_id(self) -> str | None:
        return self.definition.get("operationId")


@dataclass(frozen=True)
class Response:
    operation: Operation
    status: str
    pointer: str
    definition: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.operation.label} {self.status}"


def iter_operations(spec: dict[str, Any]) -> Iterator[Operation]:
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield Operation(method, path, child("/paths", path, method), item[method])


def operations_by_id(spec: dict[str, Any]) -> dict[str, Operation]:
    return {op.operation_id: op for op in iter_operations(spec) if op.operation_id}


def iter_responses(spec: dict[str, Any]) -> Iterator[Response]:
    for op in iter_operations(spec):
        for status, raw in op.definition.get("responses", {}).items():
            definition, pointer = deref(spec, raw, child(op.pointer, "responses", status))
            yield Response(op, str(status), pointer, definition)


def iter_parameters(spec: dict[str, Any], op: Operation) -> Iterator[tuple[dict[str, Any], str]]:
    """The operation's parameters (path-level ones included), dereferenced, with their pointers."""
    path_pointer = child("/paths", op.path)
    sources = [
        (spec["paths"][op.path].get("parameters", []), child(path_pointer, "parameters")),
        (op.definition.get("parameters", []), child(op.pointer, "parameters")),
    ]
    for params, base in sources:
        for index, raw in enumerate(params):
            yield deref(spec, raw, child(base, index))


def request_body(spec: dict[str, Any], op: Operation) -> tuple[dict[str, Any], str] | None:
    raw = op.definition.get("requestBody")
    if raw is None:
        return None
    return deref(spec, raw, child(op.pointer, "requestBody"))


def is_secured(spec: dict[str, Any], op: Operation) -> bool:
    security = op.definition.get("security", spec.get("security", []))
    return bool(security)


def problem_codes(spec: dict[str, Any], response: Response) -> set[str]:
    """The `code` of every problem example a response shows."""
    codes = set()
    for media in response.definition.get("content", {}).values():
        for example in iter_named_example_values(spec, media):
            codes.add(example["code"])
    return codes


def iter_named_example_values(spec: dict[str, Any], holder: dict[str, Any]) -> Iterator[Any]:
    for raw in holder.get("examples", {}).values():
        example, _ = deref(spec, raw, "")
        yield example["value"]


# ---------------------------------------------------------------- examples


@dataclass(frozen=True)
class ExampleCase:
    label: str
    schema_pointer: str
    value: Any


def _examples_of(spec: dict[str, Any], holder: dict[str, Any], label: str, schema_pointer: str):
    if "example" in holder:
        yield ExampleCase(f"{label} (example)", schema_pointer, holder["example"])
    for name, raw in holder.get("examples", {}).items():
        example, _ = deref(spec, raw, "")
        yield ExampleCase(f"{label} [{name}]", schema_pointer, example["value"])


def iter_example_cases(spec: dict[str, Any]) -> Iterator[ExampleCase]:
    """Every example in the spec with the pointer of the schema it must satisfy."""
    for op in iter_operations(spec):
        for param, pointer in iter_parameters(spec, op):
            label = f"{op.label} parameter {param['in']}.{param['name']}"
            yield from _examples_of(spec, param, label, child(pointer, "schema"))
            for media_type, media in param.get("content", {}).items():  # a JSON-encoded parameter
                yield from _examples_of(spec, media, label, child(pointer, "content", media_type, "schema"))
        body = request_body(spec, op)
        if body is not None:
            definition, pointer = body
            for media_type, media in definition["content"].items():
                label = f"{op.label} request {media_type}"
                yield from _examples_of(spec, media, label, child(pointer, "content", media_type, "schema"))
    for response in iter_responses(spec):
        for media_type, media in response.definition.get("content", {}).items():
            label = f"{response.label} {media_type}"
            yield from _examples_of(
                spec, media, label, child(response.pointer, "content", media_type, "schema")
            )
        for name, raw in response.definition.get("headers", {}).items():
            header, pointer = deref(spec, raw, child(response.pointer, "headers", name))
            yield from _examples_of(spec, header, f"{response.label} header {name}", child(pointer, "schema"))
    for pointer, schema in iter_schemas(spec):
        if "example" in schema:
            yield ExampleCase(f"schema {pointer} (example)", pointer, schema["example"])


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and not any(c.isspace() for c in value)


def _is_uri_reference(value: object) -> bool:
    return not isinstance(value, str) or not any(c.isspace() for c in value)


def build_format_checker() -> FormatChecker:
    """The OAS 3.0 formats plus uri/uri-reference, which no installed package checks."""
    checker = FormatChecker(formats=())
    checker.checkers = dict(oas30_format_checker.checkers)
    checker.checks("uri")(_is_uri)
    checker.checks("uri-reference")(_is_uri_reference)
    return checker


def schema_validator(spec: dict[str, Any], schema_pointer: str) -> Any:
    """An OAS30Validator for the schema at `schema_pointer`; its $refs resolve inside the spec."""
    registry = Registry().with_resource(SPEC_URI, DRAFT4.create_resource(spec))
    return OAS30Validator(
        {"$ref": f"{SPEC_URI}#{schema_pointer}"},
        registry=registry,
        format_checker=build_format_checker(),
    )


# ---------------------------------------------------------------- schemas


def _subschemas(schema: dict[str, Any], pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, sub in schema.get("properties", {}).items():
        yield child(pointer, "properties", name), sub
    if isinstance(schema.get("items"), dict):
        yield child(pointer, "items"), schema["items"]
    if isinstance(schema.get("additionalProperties"), dict):
        yield child(pointer, "additionalProperties"), schema["additionalProperties"]
    if isinstance(schema.get("not"), dict):
        yield child(pointer, "not"), schema["not"]
    for keyword in SCHEMA_COMPOSITIONS:
        for index, sub in enumerate(schema.get(keyword, [])):
            yield child(pointer, keyword, index), sub


def _walk_schema(schema: dict[str, Any], pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    yield pointer, schema
    for sub_pointer, sub in _subschemas(schema, pointer):
        yield from _walk_schema(sub, sub_pointer)


def iter_schemas(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object written in the spec (not following $refs), with its pointer."""
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        yield from _walk_schema(schema, child("/components/schemas", name))
    roots: list[tuple[dict[str, Any], str]] = []
    for name, param in spec.get("components", {}).get("parameters", {}).items():
        roots.append((param, child("/components/parameters", name)))
    for name, header in spec.get("components", {}).get("headers", {}).items():
        roots.append((header, child("/components/headers", name)))
    for op in iter_operations(spec):
        for index, param in enumerate(op.definition.get("parameters", [])):
            roots.append((param, child(op.pointer, "parameters", index)))
        body = op.definition.get("requestBody", {})
        for media_type, media in body.get("content", {}).items():
            roots.append((media, child(op.pointer, "requestBody", "content", media_type)))
        for status, response in op.definition.get("responses", {}).items():
            base = child(op.pointer, "responses", status)
            for media_type, media in response.get("content", {}).items():
                roots.append((media, child(base, "content", media_type)))
            for name, header in response.get("headers", {}).items():
                roots.append((header, child(base, "headers", name)))
    for name, response in spec.get("components", {}).get("responses", {}).items():
        base = child("/components/responses", name)
        for media_type, media in response.get("content", {}).items():
            roots.append((media, child(base, "content", media_type)))
    for holder, pointer in roots:
        if isinstance(holder.get("schema"), dict):
            yield from _walk_schema(holder["schema"], child(pointer, "schema"))


def iter_response_object_schemas(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Object schemas a response body can contain, following $refs, each once."""
    seen: set[str] = set()
    pending: list[tuple[str, dict[str, Any]]] = []
    for response in iter_responses(spec):
        for media_type, media in response.definition.get("content", {}).items():
            pending.append((child(response.pointer, "content", media_type, "schema"), media["schema"]))
    while pending:
        pointer, schema = pending.pop()
        schema, pointer = deref(spec, schema, pointer)
        if pointer in seen:
            continue
        seen.add(pointer)
        if schema.get("type") == "object":
            yield pointer, schema
        pending.extend(_subschemas(schema, pointer))


# ---------------------------------------------------------------- domain facts used by the checks


def org_nr_is_valid(org_nr: str) -> bool:
    """Mod-11 with weights 3,2,7,6,5,4,3,2; a remainder giving check 10 is never issued."""
    if len(org_nr) != 9 or not org_nr.isdigit():
        return False
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    check = 11 - sum(int(d) * w for d, w in zip(org_nr[:8], weights, strict=True)) % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(org_nr[8])


def accept_demo_token(token: str) -> dict[str, Any] | None:
    """Bearer check for loading the spec into Connexion in tests: demo tokens only."""
    return {"sub": token} if token in {"demo-kari", "demo-ola"} else None
