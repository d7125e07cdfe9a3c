"""JSON Schema errors as field errors a person can act on: which field, what is wrong, what is allowed.

jsonschema writes most rules readably ("-1 is less than the minimum of 0"), and those words are kept.
Where its message would print a Python repr of the value or of the schema — `oneOf`/`anyOf`/`not`
("{'hours': -1} is not valid under any of the given schemas"), an enum's list, a wrong type or size
of an object or array — the message is written here instead. For a value that fits none of several
forms, the form it was meant to be is found (the branch whose tag such as `type` it names, else the
one it breaks least) and its own errors are told, with the forms that are allowed.
"""

from __future__ import annotations

import json
import typing as t
from collections import defaultdict

from jsonschema import ValidationError

_ALTERNATIVES = ("oneOf", "anyOf")
# Errors at the value itself that say "this is the wrong form", not "this field is wrong".
_FORM_ERRORS = frozenset({"type", "required", "additionalProperties", "minProperties", "maxProperties"})
_JSON_TYPES = {dict: "an object", list: "an array"}
_SCHEMA_TYPES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
}


def field_errors(errors: t.Iterable[ValidationError], root: str) -> list[dict[str, str]]:
    """One {"field", "message"} per broken rule, fields as `root.a.b`, in the order given."""
    found: list[dict[str, str]] = []
    for error in errors:
        for parts, message in _describe(error):
            field = ".".join([root, *parts])
            entry = {"field": field, "message": message}
            if entry not in found:
                found.append(entry)
    return found


def _describe(error: ValidationError) -> list[tuple[list[str], str]]:
    if error.validator in _ALTERNATIVES:
        return _alternatives(error)
    return [(_field(error), _message(error))]


def _field(error: ValidationError) -> list[str]:
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.validator_value, list):
        parts.append(_quoted_name(error.message))
    if error.validator == "additionalProperties":
        parts.append(_quoted_name(error.message))
    return [p for p in parts if p]


def _quoted_name(message: str) -> str:
    return message.split("'")[1] if "'" in message else ""


def readable(error: ValidationError) -> str:
    """The message of one broken rule, in words (see the module's description)."""
    return _message(error)


def _message(error: ValidationError) -> str:
    """jsonschema's own words, unless they would show a Python repr of a value or a schema."""
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "enum":
        return f"{_shown(instance)} is not one of {_listed(value)}"
    if kind == "type":  # jsonschema's words, with the value in JSON terms
        types = value if isinstance(value, list) else [value]
        return f"{_shown(instance)} is not of type {', '.join(repr(t) for t in types)}"
    if kind == "minProperties":
        return f"must have at least {value} field{'s' if value != 1 else ''}"
    if kind == "maxProperties":
        return f"must have at most {value} field{'s' if value != 1 else ''}"
    if kind == "minItems":
        return f"must have at least {value} item{'s' if value != 1 else ''}"
    if kind == "maxItems":
        return f"must have at most {value} item{'s' if value != 1 else ''}"
    if kind == "uniqueItems":
        return "must not repeat an item"
    if kind == "not":
        return "is not allowed here"
    if isinstance(instance, dict | list) and repr(instance) in error.message:
        return error.message.replace(repr(instance), "the value")
    return error.message


def _alternatives(error: ValidationError) -> list[tuple[list[str], str]]:
    branches: list[dict[str, t.Any]] = [b for b in error.validator_value if isinstance(b, dict)]
    here = [str(p) for p in error.absolute_path]
    if all(set(b) == {"required"} for b in branches):  # "give a or b": nothing more to tell
        names = [name for b in branches for name in b["required"]]
        return [(here, f"give at least one of {', '.join(names)}")]
    allowed = "; or ".join(_form(b) for b in branches)
    if not error.context:  # oneOf: more than one form fits
        return [(here, f"fits more than one of the allowed forms: {allowed}; give the fields of one")]
    by_branch: dict[int, list[ValidationError]] = defaultdict(list)
    for sub in error.context:
        by_branch[int(sub.relative_schema_path[0])].append(sub)
    tagged = _by_tag(error.instance, branches)
    if tagged is not None:
        kind, name, values = tagged
        if kind == "unknown":
            return [([*here, name], f"{_shown(error.instance[name])} is not one of {_listed(values)}")]
        if kind == "missing":
            return [([*here, name], f"is required: one of {_listed(values)}")]
        described = [d for sub in by_branch[int(kind)] for d in _describe(sub)]
        if described:
            return described
    errors = list(by_branch.values())
    if errors and all(_same_type_error(e, errors[0]) for e in errors):
        return _describe(errors[0][0])  # the value is of a type no form takes
    chosen = _least_broken(by_branch, len(here))
    if chosen is None:
        return [(here, f"fits none of the allowed forms: {allowed}")]
    return [(parts, f"{message} (allowed: {allowed})") for sub in chosen for parts, message in _describe(sub)]


def _by_tag(instance: t.Any, branches: list[dict[str, t.Any]]) -> tuple[str, str, list[t.Any]] | None:
    """A property every form fixes with an enum (a discriminator such as `type`): which form the
    value names ("0", "1", …), or "unknown"/"missing" with the property and every value it may take."""
    if not isinstance(instance, dict) or len(branches) < 2:
        return None
    names = set.intersection(*(set(b.get("properties", {})) for b in branches))
    for name in sorted(names):
        enums = [b["properties"][name].get("enum") for b in branches]
        if not all(isinstance(e, list) for e in enums):
            continue
        values = [v for e in enums for v in e]
        if name not in instance:
            return "missing", name, values
        matching = [i for i, e in enumerate(enums) if instance[name] in e]
        return (str(matching[0]), name, values) if len(matching) == 1 else ("unknown", name, values)
    return None


def _same_type_error(errors: list[ValidationError], first: list[ValidationError]) -> bool:
    return (
        len(errors) == 1
        and len(first) == 1
        and errors[0].validator == first[0].validator == "type"
        and errors[0].validator_value == first[0].validator_value
        and errors[0].path == first[0].path
    )


def _least_broken(by_branch: dict[int, list[ValidationError]], depth: int) -> list[ValidationError] | None:
    """The one form the value breaks least: fewest "wrong form" errors at the value itself, then fewest
    errors; None when two forms tie."""

    def score(errors: list[ValidationError]) -> tuple[int, int]:
        wrong_form = sum(1 for e in errors if len(e.absolute_path) == depth and e.validator in _FORM_ERRORS)
        return wrong_form, len(errors)

    ranked = sorted(by_branch.values(), key=score)
    if len(ranked) > 1 and score(ranked[0]) == score(ranked[1]):
        return None
    return ranked[0]


def _form(schema: dict[str, t.Any]) -> str:
    properties = list(schema.get("properties", {}))
    required = list(schema.get("required", []))
    if not properties and required:
        return " and ".join(required)
    if properties and schema.get("type", "object") == "object":
        optional = [p for p in properties if p not in required]
        if not required:
            lead = "one or more of" if schema.get("minProperties", 0) >= 1 else "any of"
            return f"{lead} {', '.join(optional)}"
        if not optional:
            return " and ".join(required)
        return f"{' and '.join(required)} (optionally {', '.join(optional)})"
    return _type_name(schema.get("type", "any value"))


def _type_name(value: t.Any) -> str:
    if isinstance(value, list):
        return " or ".join(_type_name(v) for v in value)
    return _SCHEMA_TYPES.get(value, str(value))


def _shown(value: t.Any) -> str:
    """A value as a person reads it in JSON terms: 'text', 3, true, null, an object, an array."""
    if isinstance(value, dict | list):
        return _JSON_TYPES[type(value)]
    return repr(value) if isinstance(value, str) else json.dumps(value)


def _listed(values: t.Any) -> str:
    return ", ".join(str(v) if isinstance(v, str) else json.dumps(v) for v in values)
