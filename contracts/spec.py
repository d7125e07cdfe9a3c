"""Reading openapi.yaml: the operations, their security, and a plausible request for each."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_METHODS = ("get", "put", "post", "delete", "patch")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    secured: bool
    # A request that is valid as far as the schema goes, built from the spec's examples.
    sample_path: str
    sample_query: dict[str, str]
    sample_body: Any

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def mutates(self) -> bool:
        return self.method not in SAFE_METHODS


@functools.lru_cache(maxsize=8)
def load_spec(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s until a real node is reached."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def operations(path: Path) -> list[Operation]:
    document = load_spec(path)
    return list(_operations(document))


def _operations(document: dict[str, Any]) -> Iterator[Operation]:
    global_security = document.get("security", [])
    for url, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in _METHODS:
            if method not in item:
                continue
            operation = item[method]
            security = operation.get("security", global_security)
            parameters = [resolve(document, p) for p in [*shared, *operation.get("parameters", [])]]
            sample_path = url
            query: dict[str, str] = {}
            for parameter in parameters:
                if not parameter.get("required"):
                    continue
                value = _sample_value(document, parameter)
                if parameter["in"] == "path":
                    sample_path = sample_path.replace("{" + parameter["name"] + "}", value)
                elif parameter["in"] == "query":
                    query[parameter["name"]] = value
            yield Operation(
                operation_id=operation["operationId"],
                method=method.upper(),
                path=url,
                secured=bool(security) and any(bool(requirement) for requirement in security),
                sample_path=sample_path,
                sample_query=query,
                sample_body=_sample_body(document, operation),
            )


def _sample_value(document: dict[str, Any], parameter: dict[str, Any]) -> str:
    if "example" in parameter:
        return str(parameter["example"])
    schema = resolve(document, parameter.get("schema", {}))
    if "example" in schema:
        return str(schema["example"])
    if "default" in schema:
        return str(schema["default"])
    return "1" if schema.get("type") == "integer" else "sample"


def _sample_body(document: dict[str, Any], operation: dict[str, Any]) -> Any:
    body = resolve(document, operation.get("requestBody", {}))
    media = body.get("content", {}).get("application/json")
    if not media:
        return None
    if "example" in media:
        return media["example"]
    for example in media.get("examples", {}).values():
        return resolve(document, example).get("value")
    return {}
