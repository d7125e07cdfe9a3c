"""JSON out, fast and once: compiled encoding, remembered so response validation need not parse it back.

Encoding was the largest single cost of a 20-entry service-log page: Python's json module took
~68 µs for its 10 KB, orjson ~5 µs. The jsonifier writes compact JSON with orjson and keeps the
meaning of Connexion's own jsonifier: datetimes, dates, Decimals and UUIDs are written the way
Connexion's encoder writes them, non-string keys become strings, and anything orjson cannot write
(integers beyond 64 bits, a type neither knows) goes to Python's json module, which writes it or
fails exactly as before.

Connexion serialises a handler's result to text, and its response validation then parses that
text again to check it. The jsonifier keeps (text, object) of the last body it encoded in the
current request's context; the response validator uses the object only when the bytes it is about
to send are exactly that text, so what is checked is still what goes out.
"""

from __future__ import annotations

import copy
import json
import typing as t
from contextvars import ContextVar

import orjson
from connexion.jsonifier import JSONEncoder, Jsonifier

_last_encoded: ContextVar[tuple[str, t.Any] | None] = ContextVar("last_encoded_json", default=None)
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_connexion_default = JSONEncoder().default  # datetime, date, Decimal, UUID; TypeError for the rest
COMPACT = (",", ":")


class RememberingJsonifier(Jsonifier):
    """Compact UTF-8 JSON (orjson, with Connexion's meaning for every type) that remembers the
    last body it encoded in this context."""

    def __init__(self) -> None:
        # Calls with extra arguments go to Connexion's own dumps, with these defaults.
        super().__init__(ensure_ascii=False, separators=COMPACT, check_circular=False)

    def dumps(self, data: t.Any, **kwargs: t.Any) -> str:
        text = super().dumps(data, **kwargs) if kwargs else compact_json(data) + "\n"
        remember(text, data)
        return text


def compact_json(data: t.Any) -> str:
    """Compact JSON text with Connexion's meaning for every type; orjson first, Python's json module
    for what orjson cannot write."""
    try:
        return orjson.dumps(data, default=_connexion_default, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(data, cls=JSONEncoder, ensure_ascii=False, separators=COMPACT, check_circular=False)


def remember(text: str, data: t.Any) -> None:
    """Note that `text` is the encoding of `data`, for response validation in this request's context."""
    _last_encoded.set((text, data))


def encoded_object(text: str) -> tuple[bool, t.Any]:
    """(True, object) when `text` is exactly what the jsonifier last produced here; else (False, None)."""
    last = _last_encoded.get()
    if last is not None and last[0] == text:
        return True, last[1]
    return False, None


def copy_json(value: t.Any) -> t.Any:
    """A deep copy of JSON data (string-keyed dicts, lists, strings, numbers, booleans, None).

    Through orjson it is about six times faster than copy.deepcopy on a registry record, which the
    registry hands out a copy of on every lookup. The copy has the data's JSON meaning: a tuple comes
    back as a list, and NaN or Infinity (not JSON) as None, as they would be written. What orjson
    cannot write (non-string keys, integers beyond 64 bits, other types) is deep-copied the ordinary
    way."""
    try:
        return orjson.loads(orjson.dumps(value))
    except orjson.JSONEncodeError:
        return copy.deepcopy(value)
