"""The schema reference: each component schema as a table of its fields, with links between schemas."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .model import bounds_label
from .render import md_code
from .spec import SpecDocument

# A type written as pieces of text; a piece with a schema name links to that schema.
TypeText = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class FieldRow:
    name: str
    type_text: TypeText
    required: bool
    constraints: str
    description: str


@dataclass(frozen=True)
class SchemaView:
    name: str
    description: str
    type_text: TypeText
    constraints: str
    fields: tuple[FieldRow, ...]
    closed: bool  # additionalProperties: false

    @property
    def anchor(self) -> str:
        return schema_anchor(self.name)


def schema_anchor(name: str) -> str:
    return f"schema-{name}"


def type_text(spec: SpecDocument, schema: Any) -> TypeText:
    name = spec.schema_name(schema)
    if name:
        return ((name, name),)
    if not isinstance(schema, dict):
        return (("any", None),)
    for keyword, joiner in (("oneOf", " or "), ("anyOf", " or "), ("allOf", " and ")):
        if keyword in schema:
            parts: list[tuple[str, str | None]] = []
            for index, sub in enumerate(schema[keyword]):
                if index:
                    parts.append((joiner, None))
                parts.extend(type_text(spec, sub))
            return tuple(parts)
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return (("array of ", None), *type_text(spec, schema.get("items", {})))
    label = f"{kind} ({schema['format']})" if schema.get("format") else kind
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return (("map of ", None), *type_text(spec, schema["additionalProperties"]))
    return ((label, None),)


def constraints(schema: Any) -> str:
    """Markdown: `nullable; 1–40 chars; pattern `^...$``."""
    if not isinstance(schema, dict):
        return ""
    parts = []
    if schema.get("nullable"):
        parts.append("nullable")
    if schema.get("enum"):
        parts.append(
            "one of " + ", ".join(md_code(json.dumps(v, ensure_ascii=False)) for v in schema["enum"])
        )
    bounds = bounds_label(schema)
    if bounds:
        parts.append(bounds)
    if schema.get("pattern"):
        parts.append(f"pattern {md_code(schema['pattern'])}")
    if "default" in schema:
        parts.append(f"default {md_code(json.dumps(schema['default'], ensure_ascii=False))}")
    return "; ".join(parts)


def _description(spec: SpecDocument, schema: Any) -> str:
    """The field's own description, else the first sentence of the schema it refers to."""
    if not isinstance(schema, dict):
        return ""
    own = str(schema.get("description", "")).strip()
    if own or not spec.schema_name(schema):
        return own
    referred = " ".join(str(spec.deref(schema).get("description", "")).split())
    return referred.split(". ")[0].rstrip(".") + "." if referred else ""


def schema_views(spec: SpecDocument) -> list[SchemaView]:
    views = []
    for name, schema in spec.component_schemas().items():
        required = set(schema.get("required", []))
        fields = tuple(
            FieldRow(
                name=field,
                type_text=type_text(spec, sub),
                required=field in required,
                # A $ref field's constraints live on the referenced schema (linked from the type).
                constraints="" if spec.schema_name(sub) else constraints(sub),
                description=_description(spec, sub),
            )
            for field, sub in schema.get("properties", {}).items()
        )
        views.append(
            SchemaView(
                name=name,
                description=str(schema.get("description", "")).strip(),
                type_text=type_text(spec, {k: v for k, v in schema.items() if k != "properties"}),
                constraints=constraints(schema),
                fields=fields,
                closed=schema.get("additionalProperties") is False,
            )
        )
    return views
