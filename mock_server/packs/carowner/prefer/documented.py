"""The documented responses of every operation, with their named examples, from the spec itself.

A `Prefer` answer is only ever one the spec documents: `code=` picks a documented status (its first
example), `example=` a named example of the operation, `dynamic=true` a body generated from the
response's schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connexion.json_schema import resolve_refs

from .header import Preference, PreferError


@dataclass(frozen=True)
class DocumentedResponse:
    status: int
    content_type: str | None
    schema: Mapping[str, Any] | None
    examples: tuple[tuple[str, Any], ...]  # (name, value), in spec order
    headers: Mapping[str, Mapping[str, Any]]  # name -> header object (schema, example, required)

    @property
    def success(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class Choice:
    response: DocumentedResponse
    example: tuple[str, Any] | None  # None: generate from the schema (or no body at all)


class DocumentedResponses:
    def __init__(self, spec: Mapping[str, Any]) -> None:
        resolved = resolve_refs(dict(spec))
        self._by_operation: dict[str, dict[int, DocumentedResponse]] = {}
        self._query_defaults: dict[str, dict[str, str]] = {}
        for item in resolved.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, Mapping) and "operationId" in operation:
                    self._by_operation[operation["operationId"]] = _responses(operation)
                    self._query_defaults[operation["operationId"]] = {
                        p["name"]: str(p["schema"]["default"])
                        for p in operation.get("parameters", [])
                        if p.get("in") == "query" and "default" in p.get("schema", {})
                    }

    def __contains__(self, operation_id: str) -> bool:
        return operation_id in self._by_operation

    def responses(self, operation_id: str) -> dict[int, DocumentedResponse]:
        return self._by_operation[operation_id]

    def query_defaults(self, operation_id: str) -> dict[str, str]:
        """The documented default of each query parameter that has one ("page": "1")."""
        return self._query_defaults[operation_id]

    def choose(self, operation_id: str, preference: Preference) -> Choice:
        """The response to send, or PreferError saying why the preference cannot be honoured."""
        responses = self._by_operation[operation_id]
        if preference.code is not None:
            response = responses.get(preference.code)
            if response is None:
                documented = ", ".join(str(status) for status in responses)
                raise PreferError(
                    f"code={preference.code} is not documented for {operation_id} ({documented})"
                )
            candidates = [response]
        else:
            candidates = list(responses.values())
        if preference.example is not None:
            for response in candidates:
                for name, value in response.examples:
                    if name == preference.example:
                        return Choice(response, (name, value))
            names = ", ".join(name for response in candidates for name, _ in response.examples) or "none"
            raise PreferError(
                f"example={preference.example} is not an example of {operation_id} (known: {names})"
            )
        response = candidates[0] if preference.code is not None else _first_success(candidates)
        if preference.dynamic:
            if response.schema is None:
                raise PreferError(f"the {response.status} answer of {operation_id} has no body to generate")
            return Choice(response, None)
        return Choice(response, response.examples[0] if response.examples else None)


def _first_success(responses: list[DocumentedResponse]) -> DocumentedResponse:
    return next((r for r in responses if r.success), responses[0])


def _responses(operation: Mapping[str, Any]) -> dict[int, DocumentedResponse]:
    found: dict[int, DocumentedResponse] = {}
    for status, response in operation.get("responses", {}).items():
        if not str(status).isdigit():
            continue  # "default" and ranges are not an answer a client can ask for by code
        content = response.get("content", {})
        content_type, media = next(iter(content.items()), (None, {}))
        examples = tuple((name, example.get("value")) for name, example in media.get("examples", {}).items())
        if not examples and "example" in media:
            examples = (("example", media["example"]),)
        found[int(status)] = DocumentedResponse(
            status=int(status),
            content_type=content_type,
            schema=media.get("schema"),
            examples=examples,
            headers=response.get("headers", {}),
        )
    return found
