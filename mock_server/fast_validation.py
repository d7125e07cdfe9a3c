"""Compiled (Rust) schema validators, cached per spec schema, as a fast first check.

Connexion builds a pure-Python jsonschema validator for every request, parameter and response; on
the service-log page that was three quarters of the time. Here each spec schema is translated once
into plain Draft 4 and compiled with jsonschema-rs. A value the compiled validator accepts is
accepted; anything it rejects goes to Connexion's own Python validator, which stays the authority
on what is wrong and how the error reads. So every error message and code is unchanged, and where
the two engines differ (jsonschema-rs is the stricter, e.g. `$` never matches before a final "\\n")
the Python verdict wins.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

import jsonschema_rs
from connexion.validators import JSONResponseBodyValidator
from jsonschema import Draft4Validator

from .fast_json import encoded_object

# Connexion checks only the formats its Draft 4 checker knows (date-time, email, ipv4, ...); "date",
# "uuid" and "uri" pass unchecked there, so the compiled schema must not check them either.
CHECKED_FORMATS = frozenset(Draft4Validator.FORMAT_CHECKER.checkers)

# Keywords whose value is a schema, a list of schemas, or a map of name -> schema. Every other
# keyword holds data (enum, default, example, ...) and is copied untouched.
_SCHEMA_KEYWORDS = frozenset({"not", "items", "additionalProperties", "additionalItems"})
_SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf", "items"})
_SCHEMA_MAP_KEYWORDS = frozenset({"properties", "patternProperties", "definitions", "dependencies"})
_WRITE_ONLY = ("writeOnly", "x-writeOnly")
# A spec has a few hundred schemas at most; past this, something hands out temporary schemas.
MAX_CACHED_SCHEMAS = 4096


class Flavour(t.NamedTuple):
    """How Connexion reads a schema in one place: parameters ignore `nullable`, responses forbid writeOnly."""

    nullable: bool
    forbid_write_only: bool


PARAMETER = Flavour(nullable=False, forbid_write_only=False)
REQUEST_BODY = Flavour(nullable=True, forbid_write_only=False)
RESPONSE_BODY = Flavour(nullable=True, forbid_write_only=True)


def to_draft4(schema: t.Any, flavour: Flavour) -> t.Any:
    """An OpenAPI 3.0 schema as the plain Draft 4 schema Connexion's validators effectively apply."""
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, t.Any] = {}
    for key, value in schema.items():
        if key == "format" and value not in CHECKED_FORMATS:
            continue
        if key == "components" and isinstance(value, Mapping):
            out[key] = {
                part: _schema_map(entries, flavour) if part == "schemas" else entries
                for part, entries in value.items()
            }
        elif key in _SCHEMA_MAP_KEYWORDS and isinstance(value, Mapping):
            out[key] = _schema_map(value, flavour)
        elif key in _SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            out[key] = [to_draft4(item, flavour) for item in value]
        elif key in _SCHEMA_KEYWORDS:
            out[key] = to_draft4(value, flavour)
        else:
            out[key] = value
    if flavour.nullable and schema.get("nullable") is True:
        # Connexion lets null through `type` and `enum` of a nullable schema, and nothing else.
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"] if "null" not in types else types
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if flavour.forbid_write_only and any(key in schema for key in _WRITE_ONLY):
        out["not"] = {}  # a writeOnly property may never appear in a response
    return out


def without_unused_components(schema: Mapping[str, t.Any]) -> Mapping[str, t.Any]:
    """Connexion attaches all of `components` to each schema; once its refs are resolved none is needed."""
    if "components" not in schema:
        return schema
    rest = {key: value for key, value in schema.items() if key != "components"}
    return schema if _has_ref(rest) else rest


def _has_ref(node: t.Any) -> bool:
    if isinstance(node, Mapping):
        return "$ref" in node or any(_has_ref(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_ref(item) for item in node)
    return False


def _schema_map(entries: t.Any, flavour: Flavour) -> t.Any:
    if not isinstance(entries, Mapping):
        return entries
    return {
        name: to_draft4(sub, flavour) if isinstance(sub, Mapping) else sub for name, sub in entries.items()
    }


class CompiledSchemas:
    """One compiled validator per spec schema object, built on first use and kept for the app's life.

    Keyed by the schema's id(); the schema itself is kept alongside, so the id cannot be reused.
    """

    def __init__(self) -> None:
        self._compiled: dict[tuple[int, Flavour], tuple[object, t.Any]] = {}

    def validator(self, schema: Mapping[str, t.Any], flavour: Flavour) -> t.Any:
        key = (id(schema), flavour)
        hit = self._compiled.get(key)
        if hit is not None:
            return hit[1]
        compiled = jsonschema_rs.Draft4Validator(
            to_draft4(without_unused_components(schema), flavour), validate_formats=True
        )
        # Connexion hands out a fresh {} where the spec has no schema; caching those would only grow.
        if schema and len(self._compiled) < MAX_CACHED_SCHEMAS:
            self._compiled[key] = (schema, compiled)
        return compiled

    def accepts(self, schema: Mapping[str, t.Any], flavour: Flavour, instance: t.Any) -> bool:
        """True only when the compiled validator accepts; False means "ask the Python validator"."""
        try:
            return bool(self.validator(schema, flavour).is_valid(instance))
        except (ValueError, TypeError, OverflowError, jsonschema_rs.ValidationError):
            return False  # a value or schema the compiled engine cannot take; Python decides

    def __len__(self) -> int:
        return len(self._compiled)


class _Encoded(t.NamedTuple):
    """A response body as the jsonifier's own object, with the bytes in case they must be parsed."""

    data: t.Any
    raw: bytes


def response_validator_class(schemas: CompiledSchemas) -> type[JSONResponseBodyValidator]:
    """Connexion's JSON response validator with the compiled check in front, bound to one app's cache."""

    class CompiledJSONResponseBodyValidator(JSONResponseBodyValidator):
        def _parse(self, stream: t.Iterable[bytes]) -> t.Any:
            raw = b"".join(stream)
            try:
                known, data = encoded_object(raw.decode(self._encoding))
            except (UnicodeDecodeError, LookupError):
                known, data = False, None
            return _Encoded(data, raw) if known else super()._parse(iter((raw,)))

        def _validate(self, body: t.Any) -> None:
            if isinstance(body, _Encoded):
                if schemas.accepts(self._schema, RESPONSE_BODY, body.data):
                    return
                body = super()._parse(iter((body.raw,)))  # judge exactly what is sent
                if body is None and self._nullable:
                    return
            if schemas.accepts(self._schema, RESPONSE_BODY, body):
                return
            super()._validate(body)

    return CompiledJSONResponseBodyValidator
