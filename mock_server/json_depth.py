"""How deep a JSON text nests, decided without parsing it and without Python recursion.

Python's json module, jsonschema and deep copies all recurse once per level; a body nested a
thousand levels deep made them raise RecursionError. No body of our APIs nests more than a few
levels, so anything past MAX_JSON_DEPTH is refused before any parser sees it.

The check costs two byte counts for an ordinary body: a text with no more than `limit` brackets
cannot nest deeper than that. Only a text with more brackets is looked at closely: strings are
removed (their brackets do not nest), then every innermost pair of brackets, one level per pass,
all in C (re); a text that empties within `limit` passes nests no deeper.
"""

from __future__ import annotations

import re

MAX_JSON_DEPTH = 64

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(sorted(set(range(256)) - set(b"[]{}")))
_INNERMOST_PAIR = re.compile(rb"[\[{][\]}]")


def nests_deeper_than(text: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when `text` nests arrays and objects deeper than `limit`, or its brackets do not pair up
    (not JSON either way); False for every JSON text of depth `limit` or less."""
    if text.count(b"[") + text.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", text).translate(None, _NOT_A_BRACKET)
    opened_in_a_row = re.compile(rb"[\[{]{%d}" % (limit + 1))
    passes = 0
    while brackets:
        if passes == limit or opened_in_a_row.search(brackets):
            return True
        brackets, removed = _INNERMOST_PAIR.subn(b"", brackets)
        if not removed:
            return True
        passes += 1
    return False
