"""One OpenAPI document as the docs see it: local $refs followed, with the JSON pointer of every node kept,
so an example can always be checked against the schema it is shown with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join(f"/{escape_token(str(token))}" for token in tokens)


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 look-up; KeyError/IndexError when the pointer does not resolve."""
    node = document
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


@dataclass(frozen=True)
class Located:
    """A node of the document and where it lives (after following $refs)."""

    node: Any
    pointer: str


@dataclass(frozen=True)
class OperationRef:
    method: str
    path: str
    pointer: str
    node: dict[str, Any]


class SpecDocument:
    def __init__(self, document: dict[str, Any], source: Path | None = None) -> None:
        self.document = document
        self.source = source

    @classmethod
    def load(cls, path: Path) -> SpecDocument:
        with path.open(encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle), path)

    @property
    def info(self) -> dict[str, Any]:
        return self.document.get("info", {})

    @property
    def title(self) -> str:
        return str(self.info.get("title", "API"))

    def locate(self, node: Any, pointer: str) -> Located:
        """Follow local $refs until a real node; the pointer is where that node is defined."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                break
            seen.add(ref)
            pointer = ref[1:]
            node = resolve_pointer(self.document, pointer)
        return Located(node, pointer)

    def deref(self, node: Any) -> Any:
        return self.locate(node, "").node

    def schema_name(self, schema: Any) -> str | None:
        """`VehicleDetails` for a `$ref` to `#/components/schemas/VehicleDetails`."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            prefix = "#/components/schemas/"
            if schema["$ref"].startswith(prefix):
                return schema["$ref"][len(prefix) :]
        return None

    def operations(self) -> Iterator[OperationRef]:
        """Operations in document order (paths, then methods in the order written)."""
        for path, item in self.document.get("paths", {}).items():
            for method, node in item.items():
                if method in HTTP_METHODS:
                    yield OperationRef(method, path, join_pointer("/paths", path, method), node)

    def operation_by_id(self, operation_id: str) -> OperationRef | None:
        return next((op for op in self.operations() if op.node.get("operationId") == operation_id), None)

    def path_prefix(self) -> str:
        """The base path of the first server (`/ws/no/...` for the registry; empty for the CarOwner API)."""
        servers = self.document.get("servers") or [{"url": ""}]
        url = str(servers[0].get("url", ""))
        if "://" in url:
            url = "/" + url.split("://", 1)[1].partition("/")[2]
        return url.rstrip("/")

    def tags(self) -> list[dict[str, Any]]:
        """Declared tags first (in order), then any tag only used by operations."""
        declared = [dict(tag) for tag in self.document.get("tags", [])]
        names = {tag["name"] for tag in declared}
        for op in self.operations():
            for name in op.node.get("tags", []):
                if name not in names:
                    names.add(name)
                    declared.append({"name": name})
        return declared

    def security_schemes(self) -> dict[str, Any]:
        return self.document.get("components", {}).get("securitySchemes", {})

    def component_schemas(self) -> dict[str, Any]:
        return self.document.get("components", {}).get("schemas", {})
