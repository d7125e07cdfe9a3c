"""What the pack reads from its own spec: the vehicle's fields, each action's parameter schema and
how its query parameters are written, compiled once. The spec is the one source of every rule."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from ...fast_validation import REQUEST_BODY, to_draft4
from ...yaml_files import load_yaml

SPEC_PATH = Path(__file__).with_name("openapi.yaml")
# Written by the client, not kept (the create example sends it).
NOT_KEPT = frozenset({"icon_color"})


def spec() -> dict[str, Any]:
    return load_yaml(SPEC_PATH)


def _schemas() -> Mapping[str, Any]:
    return spec()["components"]["schemas"]


@functools.cache
def vehicle_fields() -> dict[str, dict[str, Any]]:
    """Field name -> its schema (refs resolved one level), in the spec's order."""
    fields: dict[str, dict[str, Any]] = {}
    for name, schema in _schemas()["VehicleFields"]["properties"].items():
        if name in NOT_KEPT:
            continue
        if "$ref" in schema:
            schema = _schemas()[schema["$ref"].rsplit("/", 1)[1]]
        fields[name] = schema
    return fields


def default_of(name: str) -> Any:
    """The value a field left out takes: null if it may be null, else "" or []."""
    schema = vehicle_fields()[name]
    if schema.get("nullable"):
        return None
    return {"string": "", "array": []}.get(schema.get("type", ""))


@dataclass(frozen=True)
class Action:
    name: str  # "vehicle/list"
    body_schema: str  # its POST body's component schema
    query_kinds: dict[str, str]  # GET parameter -> "json" | "integer" | "number" | "boolean" | "string"
    query_schema: dict[str, Any]  # the GET parameters' own rules, as one object schema


def _query_schema(parameters: list[Mapping[str, Any]]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required = []
    for parameter in parameters:
        if "$ref" in parameter:
            parameter = spec()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        content = parameter.get("content", {}).get("application/json", {})
        properties[parameter["name"]] = content.get("schema", parameter.get("schema", {}))
        if parameter.get("required"):
            required.append(parameter["name"])
    return {"type": "object", "properties": properties, **({"required": required} if required else {})}


def _query_kinds(parameters: list[Mapping[str, Any]]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for parameter in parameters:
        if "$ref" in parameter:
            parameter = spec()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if "content" in parameter:
            kinds[parameter["name"]] = "json"
        else:
            schema = parameter["schema"]
            if "$ref" in schema:
                schema = _schemas()[schema["$ref"].rsplit("/", 1)[1]]
            kinds[parameter["name"]] = schema.get("type", "string")
    return kinds


@functools.cache
def actions() -> dict[str, Action]:
    """operationId -> its action, for both ways of calling it."""
    found: dict[str, Action] = {}
    for path, item in spec()["paths"].items():
        post, get = item["post"], item["get"]
        ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        parameters = get.get("parameters", [])
        action = Action(
            path.strip("/"), ref.rsplit("/", 1)[1], _query_kinds(parameters), _query_schema(parameters)
        )
        found[post["operationId"]] = found[get["operationId"]] = action
    return found


@functools.cache
def validator(schema_name: str, query_of: str | None = None) -> Any:
    """The compiled check of one component schema, as Connexion would read a request body; with
    `query_of` (an operationId), of that GET operation's query parameters instead."""
    schema = actions()[query_of].query_schema if query_of else {"$ref": f"#/components/schemas/{schema_name}"}
    document = {"allOf": [schema], "components": {"schemas": dict(_schemas())}}
    return jsonschema_rs.Draft4Validator(to_draft4(document, REQUEST_BODY))


def schema_errors(schema_name: str, value: Any, query_of: str | None = None) -> list[dict[str, str]]:
    """Each broken rule as {parameter, error}, the parameter a dotted path ("vehicle.label")."""
    errors = []
    for error in validator(schema_name, query_of).iter_errors(value):
        path = ".".join(str(part) for part in error.instance_path) or "request"
        errors.append({"parameter": path, "error": error.message})
    unique = {(e["parameter"], e["error"]): e for e in errors}
    return sorted(unique.values(), key=lambda e: (e["parameter"], e["error"]))
