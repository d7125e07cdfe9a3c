"""Values that satisfy an OpenAPI 3.0 schema, drawn from a seeded random: `Prefer: dynamic=true`.

Covers what the CarOwner spec uses: objects (required and some optional properties), arrays with
bounds, strings with formats, lengths and patterns (generated from the regular expression itself),
numbers with bounds, enums, nullable, allOf/oneOf/anyOf. A schema's own `example` is used now and
then, so generated bodies read like real ones. The caller validates the result and retries.
"""

from __future__ import annotations

import random
import re._constants as sre
import re._parser as sre_parse
import string
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

_MAX_EXTRA_REPEAT = 4
_PRINTABLE = [ord(c) for c in string.ascii_letters + string.digits + " -_.,"]
_CATEGORIES = {
    sre.CATEGORY_DIGIT: string.digits,
    sre.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_NOT_DIGIT: string.ascii_letters,
    sre.CATEGORY_NOT_WORD: " -.",
    sre.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


class SchemaFaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def value(self, schema: dict[str, Any]) -> Any:
        if "allOf" in schema:
            return self.value(_merge_all_of(schema))
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self.value(self.rng.choice(schema[key]))
        if schema.get("nullable") and self.rng.random() < 0.15:
            return None
        if "enum" in schema:
            return self.rng.choice(schema["enum"])
        if "example" in schema and self.rng.random() < 0.5:
            return schema["example"]
        kind = schema.get("type") or ("object" if "properties" in schema else "string")
        return getattr(self, f"_{kind}")(schema)

    def _object(self, schema: dict[str, Any]) -> dict[str, Any]:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        chosen = [name for name in properties if name in required or self.rng.random() < 0.6]
        while len(chosen) < schema.get("minProperties", 0):
            extra = [name for name in properties if name not in chosen]
            if not extra:
                break
            chosen.append(self.rng.choice(extra))
        result = {name: self.value(properties[name]) for name in chosen}
        extra_schema = schema.get("additionalProperties")
        if not properties and isinstance(extra_schema, dict):
            for index in range(max(schema.get("minProperties", 0), self.rng.randint(0, 2))):
                result[f"key{index}"] = self.value(extra_schema)
        return result

    def _array(self, schema: dict[str, Any]) -> list[Any]:
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 3), low + 3)
        items = schema.get("items", {})
        target = self.rng.randint(low, high)
        values: list[Any] = []
        for _ in range(20 * (target + 1)):
            if len(values) >= target:
                break
            value = self.value(items)
            if not schema.get("uniqueItems") or value not in values:
                values.append(value)
        return values

    def _integer(self, schema: dict[str, Any]) -> int:
        low, high = _bounds(schema, integer=True)
        value = self.rng.randint(low, high)
        step = schema.get("multipleOf")
        return value - value % step if step and value - value % step >= low else value

    def _number(self, schema: dict[str, Any]) -> float:
        low, high = _bounds(schema, integer=False)
        return round(self.rng.uniform(low, high), 2)

    def _boolean(self, _schema: dict[str, Any]) -> bool:
        return self.rng.random() < 0.5

    def _string(self, schema: dict[str, Any]) -> str:
        fmt = schema.get("format")
        if fmt == "date-time":
            moment = _EPOCH + timedelta(seconds=self.rng.randint(0, 6 * 365 * 86_400))
            return moment.isoformat().replace("+00:00", "Z")
        if fmt == "date":
            return (date(2015, 1, 1) + timedelta(days=self.rng.randint(0, 4000))).isoformat()
        if fmt == "uuid":
            return str(UUID(int=self.rng.getrandbits(128), version=4))
        if fmt in ("uri", "url"):
            return f"https://api.minbil.no/mock/{self.rng.randint(1, 99999)}"
        if fmt == "uri-reference" and "pattern" not in schema:
            return f"/mock/{self.rng.randint(1, 99999)}"
        if fmt == "email":
            return f"bruker{self.rng.randint(1, 9999)}@example.com"
        if "pattern" in schema:
            return self.matching(schema["pattern"])
        low = schema.get("minLength", 1)
        high = min(schema.get("maxLength", low + 12), low + 12)
        return "".join(self.rng.choice(string.ascii_letters) for _ in range(self.rng.randint(low, high)))

    def matching(self, pattern: str) -> str:
        """A string the regular expression matches (searched, as JSON Schema does)."""
        return "".join(self._emit(sre_parse.parse(pattern)))

    def _emit(self, parsed: Any) -> list[str]:
        out: list[str] = []
        for op, arg in parsed:
            if op == sre.LITERAL:
                out.append(chr(arg))
            elif op == sre.NOT_LITERAL:
                out.append(self.rng.choice([chr(c) for c in _PRINTABLE if c != arg]))
            elif op == sre.ANY:
                out.append(chr(self.rng.choice(_PRINTABLE)))
            elif op == sre.IN:
                out.append(self._one_of_set(arg))
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                low, high, sub = arg
                high = min(high, low + _MAX_EXTRA_REPEAT)
                for _ in range(self.rng.randint(low, high)):
                    out.extend(self._emit(sub))
            elif op in (sre.SUBPATTERN, sre.ATOMIC_GROUP):
                out.extend(self._emit(arg[-1] if op == sre.SUBPATTERN else arg))
            elif op == sre.BRANCH:
                out.extend(self._emit(self.rng.choice(arg[1])))
            elif op == sre.CATEGORY:
                out.append(self.rng.choice(_CATEGORIES.get(arg, string.ascii_letters)))
            # AT (anchors) and anything else emit nothing.
        return out

    def _one_of_set(self, items: list[tuple[Any, Any]]) -> str:
        allowed: set[int] = set()
        negate = False
        for op, arg in items:
            if op == sre.NEGATE:
                negate = True
            elif op == sre.LITERAL:
                allowed.add(arg)
            elif op == sre.RANGE:
                allowed.update(range(arg[0], arg[1] + 1))
            elif op == sre.CATEGORY:
                allowed.update(ord(c) for c in _CATEGORIES.get(arg, ""))
        choices = [c for c in _PRINTABLE if c not in allowed] if negate else sorted(allowed)
        return chr(self.rng.choice(choices))


def _bounds(schema: dict[str, Any], *, integer: bool) -> tuple[Any, Any]:
    low = schema.get("minimum", 0)
    high = schema.get("maximum", max(low, 0) + (1000 if integer else 100))
    nudge = 1 if integer else 0.01
    if schema.get("exclusiveMinimum"):
        low += nudge
    if schema.get("exclusiveMaximum"):
        high -= nudge
    return low, max(low, high)


def _merge_all_of(schema: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = _merge_all_of(part) if "allOf" in part else part
        for key, value in part.items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = sorted({*merged.get("required", []), *value})
            else:
                merged.setdefault(key, value)
    return merged
