"""The one call each snippet makes. Values come from content/calls.yaml (chosen to work against the mock's
demo world) or, for operations it does not name, from the spec's own examples. A call may first make
another call to obtain a value, following an OpenAPI link (e.g. the export token for the CSV download)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote

import yaml

from .model import Credential, Operation
from .spec import SpecDocument


@dataclass(frozen=True)
class BaseUrl:
    env: str
    default: str
    variable: str


@dataclass(frozen=True)
class ChainValue:
    """A parameter value taken from an earlier call's JSON response."""

    name: str


@dataclass(frozen=True)
class Chain:
    source: Call
    pointer: str  # JSON pointer into the source call's response body, e.g. /data/token
    description: str

    @property
    def keys(self) -> list[str | int]:
        return [int(token) if token.isdigit() else token for token in self.pointer.strip("/").split("/")]


@dataclass(frozen=True)
class Call:
    operation_id: str
    method: str
    path_template: str
    path_values: tuple[tuple[str, str | ChainValue], ...]
    query: tuple[tuple[str, str | ChainValue], ...]
    headers: tuple[tuple[str, str], ...]
    credential: Credential | None
    body: Any
    expect: int
    json_response: bool
    chain: Chain | None = None

    def path(self, variable: Callable[[str], str]) -> str:
        """The path with literal values URL-encoded and chained values written by `variable(name)`."""
        path = self.path_template
        for name, value in self.path_values:
            text = variable(value.name) if isinstance(value, ChainValue) else quote(value, safe="")
            path = path.replace("{" + name + "}", text)
        return path

    @property
    def has_body(self) -> bool:
        return self.body is not None


@dataclass(frozen=True)
class CallSettings:
    base_url: BaseUrl
    credentials: dict[str, Credential]
    operations: dict[str, dict[str, Any]]


@functools.cache
def load_call_settings() -> CallSettings:
    text = resources.files(__package__).joinpath("content/calls.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return CallSettings(
        base_url=BaseUrl(**raw["base_url"]),
        credentials={name: Credential(**fields) for name, fields in raw["credentials"].items()},
        operations=raw.get("operations", {}),
    )


def _text(value: Any, json_encoded: bool = False) -> str:
    """A parameter value as it travels; arrays and objects of a JSON-encoded parameter as JSON text."""
    if json_encoded and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class CallPlanner:
    def __init__(self, spec: SpecDocument, operations: list[Operation], settings: CallSettings) -> None:
        self.spec = spec
        self.by_id = {op.operation_id: op for op in operations}
        self.settings = settings

    def plan(self, operation_id: str, override: Mapping[str, Any] | None = None) -> Call:
        op = self.by_id[operation_id]
        config: Mapping[str, Any] = {**self.settings.operations.get(operation_id, {}), **(override or {})}
        chain, target = self._chain(op, config["chain"]) if "chain" in config else (None, "")
        chained = {target: ChainValue(target.split(".", 1)[1])} if chain else {}

        def values(location: str) -> list[tuple[str, str | ChainValue]]:
            given = config.get(location)
            params = [p for p in op.parameters if p.location == location]
            found: list[tuple[str, str | ChainValue]] = []
            for param in params:
                key = f"{location}.{param.name}"
                if key in chained:
                    found.append((param.name, chained[key]))
                elif given is not None and param.name in given:
                    found.append((param.name, _text(given[param.name], param.json_encoded)))
                elif param.required and param.example is not None:
                    found.append((param.name, _text(param.example, param.json_encoded)))
            return found

        credential = op.auth.credential
        headers = [
            (name, str(value))
            for name, value in values("header")
            if not credential or name != credential.header
        ]
        return Call(
            operation_id=operation_id,
            method=op.method,
            path_template=op.path,
            path_values=tuple(values("path")),
            # A credential sent in the query is written as the variable that holds it.
            query=tuple(values("query"))
            + (
                ((credential.query, ChainValue(credential.variable)),)
                if credential and credential.query
                else ()
            ),
            headers=tuple(headers),
            credential=credential,
            body=self._body(op, config),
            expect=int(config.get("status", op.success.status)),
            json_response=any("json" in c.media_type for c in op.success.contents),
            chain=chain,
        )

    def _body(self, op: Operation, config: Mapping[str, Any]) -> Any:
        if "body" in config:
            return config["body"]
        json_contents = [c for c in op.request if c.media_type == "application/json"]
        examples = [e for c in json_contents for e in c.examples]
        if "body_example" in config:
            return next(e.value for e in examples if e.name == config["body_example"])
        if op.request_required and examples:
            return examples[0].value
        return None

    def _chain(self, op: Operation, config: Any) -> tuple[Chain, str]:
        """The earlier call and which parameter (`query.token`, `path.id`) its answer fills."""
        settings = config if isinstance(config, Mapping) else {"link": config}
        link_name = str(settings["link"])
        source_id, link = self._find_link(link_name)
        if link.get("operationId") != op.operation_id:
            raise ValueError(f"link {link_name} does not lead to {op.operation_id}")
        ((target, expression),) = link.get("parameters", {}).items()
        pointer = str(expression).partition("#")[2]
        source = self.plan(source_id, settings.get("source"))
        return Chain(source, pointer, str(link.get("description", ""))), str(target)

    def _find_link(self, name: str) -> tuple[str, dict[str, Any]]:
        """The first GET operation whose success response declares the link `name`."""
        for ref in self.spec.operations():
            for status, response in ref.node.get("responses", {}).items():
                links = self.spec.deref(response).get("links", {})
                if str(status).startswith("2") and name in links and ref.method == "get":
                    return str(ref.node["operationId"]), self.spec.deref(links[name])
        raise KeyError(f"no GET operation declares the link {name}")
