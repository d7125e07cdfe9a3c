"""JSON out, once: the encoder remembers what it just encoded, so response validation need not parse it back.

Connexion serialises a handler's result to text, and its response validation then parses that text
again to check it; for a 20-entry service-log page the parse alone was a tenth of the request.
The jsonifier keeps (text, object) of the last body it encoded in the current request's context;
the response validator uses the object only when the bytes it is about to send are exactly that
text, so what is checked is still what goes out.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar

from connexion.jsonifier import Jsonifier

_last_encoded: ContextVar[tuple[str, t.Any] | None] = ContextVar("last_encoded_json", default=None)


class RememberingJsonifier(Jsonifier):
    """Connexion's Jsonifier (same output) that remembers the last body it encoded in this context."""

    def __init__(self, **kwargs: t.Any) -> None:
        # Handlers build plain trees of dicts and lists; the cycle check only costs time (a fifth of
        # encoding a service-log page). A cycle would still fail, as RecursionError.
        kwargs.setdefault("check_circular", False)
        super().__init__(**kwargs)

    def dumps(self, data: t.Any, **kwargs: t.Any) -> str:
        text = super().dumps(data, **kwargs)
        _last_encoded.set((text, data))
        return str(text)


def encoded_object(text: str) -> tuple[bool, t.Any]:
    """(True, object) when `text` is exactly what the jsonifier last produced here; else (False, None)."""
    last = _last_encoded.get()
    if last is not None and last[0] == text:
        return True, last[1]
    return False, None
