"""Whether a form that schemathesis meant as invalid arrived at the server as a valid one.

A field of a `multipart/form-data` or `application/x-www-form-urlencoded` body is text. schemathesis
writes a generated `null`, `true` or `5` in such a field as that text, and no server can tell it from
the string the client might have typed. When the text is itself valid (a nickname "null", a
personal plate "NULL"), a server that accepts it is right, and a "schema-violating request
accepted" verdict would fail a correct server. Such failures are dismissed, with the reason in the
run's progress and its reports; a form whose text is still invalid fails as before.
"""

from __future__ import annotations

import json
from typing import Any

# Checks whose verdict depends on the request being invalid as sent, not as generated.
WIRE_DEPENDENT_CHECKS = frozenset({"negative_data_rejection"})
FORM_MEDIA_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def valid_as_sent(recorder: Any, case_id: str) -> str | None:
    """Why the form of case `case_id` was valid as the server received it, or None when it was not
    (or was no form, or held anything whose text form is not plain: then the failure stands)."""
    node = getattr(recorder, "cases", {}).get(case_id)
    case = getattr(node, "value", None)
    media_type = str(getattr(case, "media_type", None) or "").split(";")[0].strip().lower()
    if case is None or media_type not in FORM_MEDIA_TYPES or not isinstance(case.body, dict):
        return None
    if any(isinstance(value, list | dict) for value in case.body.values()):
        return None  # repeated parts and nested forms: their wire form is not one text each
    # The fields schemathesis turns into text: not strings, not file bytes (its Binary is a str).
    rewritten = sorted(name for name, value in case.body.items() if not isinstance(value, str | bytes))
    if not rewritten:
        return None
    body = case.operation.get_body_for_media_type(case.media_type)
    sent = {name: as_text(value) for name, value in case.body.items()}
    try:
        valid = body is not None and body.is_valid(sent)
    except (TypeError, ValueError):
        return None
    if not valid:
        return None
    fields = ", ".join(f"{name}={sent[name]!r}" for name in rewritten)
    return f"the form carried {fields} as text, which the schema allows"


def as_text(value: Any) -> str:
    """A form field as the server receives it: scalars in their JSON spelling, file bytes as they are
    (any bytes are a `format: binary` string; schemathesis wraps them in a str with `.data`)."""
    data = getattr(value, "data", value)
    if isinstance(data, bytes):
        return data.decode("latin-1")
    if isinstance(value, str):
        return str.__str__(value)
    return json.dumps(value)
