"""What a page shows about one operation, read from the spec: parameters, bodies, responses, examples,
problem codes and how to authenticate. Templates only format these; they never read the spec."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .spec import SpecDocument, join_pointer

JSON_MEDIA_TYPES = ("application/json", "application/problem+json")

# Extra examples by operationId -> status -> media type -> name -> {summary, value}; for specs that
# document a response without showing one (the registry's).
ExtraExamples = Mapping[str, Mapping[str, Mapping[str, Mapping[str, Mapping[str, Any]]]]]


@dataclass(frozen=True)
class Credential:
    """How a snippet authenticates: a header (or a query parameter: Navixy's session `hash`) whose
    value is read from an environment variable."""

    env: str
    default: str
    variable: str
    header: str = ""
    prefix: str = ""
    query: str = ""  # set: the credential goes in this query parameter, not in a header

    def header_value(self, secret: str) -> str:
        return f"{self.prefix}{secret}"


@dataclass(frozen=True)
class Example:
    name: str
    summary: str | None
    value: Any
    media_type: str
    schema_pointer: str | None

    @property
    def is_json(self) -> bool:
        return self.media_type in JSON_MEDIA_TYPES or not isinstance(self.value, str)

    @property
    def text(self) -> str:
        if self.is_json:
            return json.dumps(self.value, indent=2, ensure_ascii=False)
        return str(self.value).rstrip("\n")


@dataclass(frozen=True)
class Content:
    media_type: str
    schema_name: str | None
    schema_pointer: str | None
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    required: bool
    description: str
    type_label: str
    default: str | None
    bounds: str | None
    pattern: str | None
    example: Any
    schema_pointer: str
    json_encoded: bool = False  # `content: application/json`: the value travels as JSON text


@dataclass(frozen=True)
class Header:
    name: str
    description: str
    type_label: str


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    headers: tuple[Header, ...]
    contents: tuple[Content, ...]

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")


@dataclass(frozen=True)
class ProblemCode:
    status: str
    code: str | None
    title: str | None
    meaning: str


@dataclass(frozen=True)
class Auth:
    summary: str
    credential: Credential | None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    tags: tuple[str, ...]
    auth: Auth
    parameters: tuple[Parameter, ...]
    request: tuple[Content, ...]
    request_required: bool
    responses: tuple[Response, ...]
    problems: tuple[ProblemCode, ...]

    @property
    def anchor(self) -> str:
        return self.operation_id

    @property
    def success(self) -> Response:
        return next((r for r in self.responses if r.is_success), self.responses[0])

    def examples(self) -> list[Example]:
        shown = [example for content in self.request for example in content.examples]
        shown += [e for response in self.responses for content in response.contents for e in content.examples]
        return shown


def type_label(spec: SpecDocument, schema: Any) -> str:
    resolved = spec.deref(schema) or {}
    kind = str(resolved.get("type", "any"))
    if kind == "array":
        kind = f"array of {type_label(spec, resolved.get('items', {}))}"
    elif resolved.get("format"):
        kind = f"{kind} ({resolved['format']})"
    if resolved.get("enum"):
        kind += ": " + " | ".join(str(value) for value in resolved["enum"])
    if resolved.get("nullable"):
        kind += ", nullable"
    return kind


def bounds_label(schema: Mapping[str, Any]) -> str | None:
    parts = []
    for low, high, unit in (
        ("minimum", "maximum", ""),
        ("minLength", "maxLength", " chars"),
        ("minItems", "maxItems", " items"),
    ):
        lo, hi = schema.get(low), schema.get(high)
        if lo is not None and hi is not None:
            parts.append(f"{lo}–{hi}{unit}")
        elif lo is not None:
            parts.append(f"≥ {lo}{unit}")
        elif hi is not None:
            parts.append(f"≤ {hi}{unit}")
    return ", ".join(parts) or None


class OperationReader:
    """Builds Operation models from one spec."""

    def __init__(
        self,
        spec: SpecDocument,
        credentials: Mapping[str, Credential],
        extra_examples: ExtraExamples | None = None,
    ) -> None:
        self.spec = spec
        self.credentials = credentials
        self.extra_examples = extra_examples or {}

    def read_all(self) -> list[Operation]:
        return [self.read(ref.node, ref.method, ref.path, ref.pointer) for ref in self.spec.operations()]

    def read(self, node: dict[str, Any], method: str, path: str, pointer: str) -> Operation:
        operation_id = str(node.get("operationId") or f"{method}{path}")
        parameters = tuple(
            self._parameter(raw, join_pointer(pointer, "parameters", i))
            for i, raw in enumerate(node.get("parameters", []))
        )
        body = self.spec.locate(node.get("requestBody", {}), join_pointer(pointer, "requestBody"))
        responses = tuple(
            self._response(operation_id, str(status), raw, join_pointer(pointer, "responses", status))
            for status, raw in node.get("responses", {}).items()
        )
        return Operation(
            operation_id=operation_id,
            method=method.upper(),
            path=self.spec.path_prefix() + path,
            summary=str(node.get("summary", "")),
            description=str(node.get("description", "")).strip(),
            tags=tuple(node.get("tags", [])),
            auth=self._auth(node, parameters),
            parameters=parameters,
            request=self._contents(body.node.get("content", {}), join_pointer(body.pointer, "content")),
            request_required=bool(body.node.get("required", False)),
            # Successes first, each group in the spec's order (201 before 200 where the spec says so).
            responses=tuple(sorted(responses, key=lambda r: not r.is_success)),
            problems=tuple(problem for r in responses if not r.is_success for problem in _problems(r)),
        )

    def _parameter(self, raw: Any, pointer: str) -> Parameter:
        located = self.spec.locate(raw, pointer)
        param = located.node
        holder, holder_pointer = param, located.pointer
        media = param.get("content", {}).get("application/json")
        if media is not None:  # an array or object sent as JSON text (Navixy's GET parameters)
            holder, holder_pointer = media, join_pointer(located.pointer, "content", "application/json")
        schema = self.spec.locate(holder.get("schema", {}), join_pointer(holder_pointer, "schema"))
        default = schema.node.get("default")
        label = type_label(self.spec, schema.node)
        return Parameter(
            name=str(param["name"]),
            location=str(param["in"]),
            required=bool(param.get("required", False)),
            description=str(param.get("description", "")).strip(),
            type_label=f"{label} (JSON text)" if media is not None else label,
            default=None if default is None else json.dumps(default, ensure_ascii=False),
            bounds=bounds_label(schema.node),
            pattern=schema.node.get("pattern"),
            example=param.get("example", holder.get("example", schema.node.get("example"))),
            schema_pointer=schema.pointer,
            json_encoded=media is not None,
        )

    def _response(self, operation_id: str, status: str, raw: Any, pointer: str) -> Response:
        located = self.spec.locate(raw, pointer)
        node = located.node
        headers = tuple(
            Header(
                name,
                str(self.spec.deref(h).get("description", "")).strip(),
                type_label(self.spec, self.spec.deref(h).get("schema", {})),
            )
            for name, h in node.get("headers", {}).items()
        )
        extra = self.extra_examples.get(operation_id, {}).get(status, {})
        contents = self._contents(node.get("content", {}), join_pointer(located.pointer, "content"), extra)
        return Response(status, str(node.get("description", "")).strip(), headers, contents)

    def _contents(
        self, content: Mapping[str, Any], pointer: str, extra: Mapping[str, Mapping[str, Any]] | None = None
    ) -> tuple[Content, ...]:
        result = []
        for media_type, media in content.items():
            media_pointer = join_pointer(pointer, media_type)
            schema = media.get("schema")
            schema_pointer = (
                self.spec.locate(schema, join_pointer(media_pointer, "schema")).pointer if schema else None
            )
            examples = [
                self._example(
                    name, raw, join_pointer(media_pointer, "examples", name), media_type, schema_pointer
                )
                for name, raw in media.get("examples", {}).items()
            ]
            if "example" in media:
                examples.append(Example("example", None, media["example"], media_type, schema_pointer))
            for name, raw in (extra or {}).get(media_type, {}).items():
                examples.append(Example(name, raw.get("summary"), raw["value"], media_type, schema_pointer))
            result.append(Content(media_type, self.spec.schema_name(schema), schema_pointer, tuple(examples)))
        return tuple(result)

    def _example(
        self, name: str, raw: Any, pointer: str, media_type: str, schema_pointer: str | None
    ) -> Example:
        node = self.spec.locate(raw, pointer).node
        return Example(name, node.get("summary"), node.get("value"), media_type, schema_pointer)

    def _auth(self, node: Mapping[str, Any], parameters: tuple[Parameter, ...]) -> Auth:
        requirements = node.get("security", self.spec.document.get("security", []))
        schemes = self.spec.security_schemes()
        for requirement in requirements:
            for name in requirement:
                scheme = schemes.get(name, {})
                if scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
                    # A scheme of its own name (another API's token) before the CarOwner token.
                    credential = self.credentials.get(name) or self.credentials.get("bearer")
                    return Auth("Bearer token in the `Authorization` header", credential)
                if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                    credential = self.credentials.get(str(scheme["name"]))
                    return Auth(f"API key in the `{scheme['name']}` header", credential)
                if scheme.get("type") == "apiKey" and scheme.get("in") == "query":
                    credential = self.credentials.get(str(scheme["name"]))
                    return Auth(f"API key in the `{scheme['name']}` query parameter", credential)
        for parameter in parameters:
            if parameter.location == "header" and parameter.name in self.credentials:
                return Auth(f"API key in the `{parameter.name}` header", self.credentials[parameter.name])
        if "security" in node:
            return Auth("None — this operation opts out of the API's authentication", None)
        return Auth("None", None)


def _problems(response: Response) -> list[ProblemCode]:
    found: list[ProblemCode] = []
    for content in response.contents:
        for example in content.examples:
            value = example.value
            if not isinstance(value, dict) or not isinstance(value.get("code"), str):
                continue
            if all(p.code != value["code"] for p in found):
                # Problem examples are summarised "CODE — what happened"; the second half says when.
                meaning = (example.summary or "").partition(" — ")[2] or response.description
                meaning = meaning[:1].upper() + meaning[1:]
                found.append(ProblemCode(response.status, value["code"], value.get("title"), meaning))
    return found or [ProblemCode(response.status, None, None, response.description)]
