"""Reading the `Prefer` header (RFC 7240 syntax) into the mock's three per-request choices.

    Prefer: code=404
    Prefer: example=vehicleNotLinked
    Prefer: code=200, dynamic=true

Preferences are comma-separated `name=value` pairs (a value may be "quoted"; the header may repeat).
Only `code`, `example` and `dynamic` are understood; anything else is refused with a 400 rather than
ignored, so a typo never passes silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

KNOWN = ("code", "example", "dynamic")
_PAIR = re.compile(r'^\s*(?P<name>[A-Za-z][A-Za-z0-9_-]*)\s*(?:=\s*(?P<value>"[^"]*"|[^\s;,"]+))?\s*$')


class PreferError(ValueError):
    """The header cannot be read or asks for something that cannot be honoured."""


@dataclass(frozen=True)
class Preference:
    code: int | None = None
    example: str | None = None
    dynamic: bool = False

    @property
    def empty(self) -> bool:
        return self.code is None and self.example is None and not self.dynamic

    def describe(self) -> str:
        parts = [f"code={self.code}"] if self.code is not None else []
        parts += [f"example={self.example}"] if self.example is not None else []
        parts += ["dynamic=true"] if self.dynamic else []
        return ", ".join(parts)


def parse_prefer(values: Iterable[str]) -> Preference:
    seen: dict[str, str] = {}
    for value in values:
        for item in value.split(","):
            if not item.strip():
                continue
            pair, _, parameters = item.partition(";")
            if parameters.strip():
                raise PreferError(f"'{item.strip()}': preference parameters (after ';') are not supported")
            found = _PAIR.match(pair)
            if found is None:
                raise PreferError(f"'{item.strip()}' is not a preference (name=value)")
            name = found["name"].lower()
            if name not in KNOWN:
                raise PreferError(f"unknown preference '{name}'; the mock understands {', '.join(KNOWN)}")
            if name in seen:
                raise PreferError(f"preference '{name}' is given twice")
            if found["value"] is None:
                raise PreferError(f"preference '{name}' needs a value, e.g. {name}={_EXAMPLE[name]}")
            seen[name] = found["value"].strip('"')
    return _preference(seen)


_EXAMPLE = {"code": "404", "example": "vehicleNotLinked", "dynamic": "true"}


def _preference(seen: dict[str, str]) -> Preference:
    code = seen.get("code")
    if code is not None and not re.fullmatch(r"[1-5][0-9][0-9]", code):
        raise PreferError(f"code={code}: a status code is three digits, e.g. code=404")
    dynamic = seen.get("dynamic", "false").lower()
    if dynamic not in ("true", "false"):
        raise PreferError(f"dynamic={seen['dynamic']}: use dynamic=true or dynamic=false")
    example = seen.get("example")
    if example == "":
        raise PreferError("example= needs the name of one of the operation's examples")
    if example is not None and dynamic == "true":
        raise PreferError("example= and dynamic=true contradict each other; give one")
    return Preference(code=int(code) if code else None, example=example, dynamic=dynamic == "true")
