"""Fault and latency rules: a small text syntax, parsed once, shared by CLI flags, files and the API.

    RULE     := TARGET ":" EFFECT { " " EFFECT }
    TARGET   := OPERATION_ID | [METHOD " "] PATH        METHOD: GET, POST, PUT, DELETE, PATCH or *
    PATH     := "*" (any path) | "/..."  where "*" matches any characters and "{name}" one path segment
    EFFECT   := "delay=" DELAY | "error=" RATE ":" (STATUS | CODE) | "drop=" RATE | "malformed=" RATE
    DELAY    := DURATION | "uniform(" DURATION "," DURATION ")" | "lognormal(" DURATION "," SIGMA ")"
    DURATION := NUMBER ("ms" | "s")          lognormal takes the median and the sigma of its log
    RATE     := NUMBER between 0 and 1, or NUMBER "%"

Examples: `GET /api/co/vehicles: delay=uniform(100ms,300ms) error=0.1:503`,
`linkVehicle: error=25%:REGISTRY_UNAVAILABLE`, `* /api/co/service-log/*: malformed=0.05 drop=0.01`,
`*: delay=10ms` (every request), `POST *: error=5%:503`.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..problems import CATALOGUE

METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "*"})
_RULE = re.compile(r"^\s*(?P<target>[^:]+?)\s*:\s*(?P<effects>.*?)\s*$", re.DOTALL)
_DURATION = re.compile(r"^(?P<number>\d+(?:\.\d+)?)(?P<unit>ms|s)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_OPERATION_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_DELAY_S = 60.0  # a rule cannot hang a request for longer than this


class RuleError(ValueError):
    """A rule that cannot be read; the message says which part and why."""


@dataclass(frozen=True)
class Delay:
    kind: Literal["fixed", "uniform", "lognormal"]
    first_s: float  # fixed: the delay; uniform: low; lognormal: median
    second: float = 0.0  # uniform: high (s); lognormal: sigma

    def sample(self, rng: random.Random) -> float:
        if self.kind == "fixed":
            value = self.first_s
        elif self.kind == "uniform":
            value = rng.uniform(self.first_s, self.second)
        else:
            value = rng.lognormvariate(math.log(self.first_s), self.second) if self.first_s > 0 else 0.0
        return min(value, MAX_DELAY_S)


@dataclass(frozen=True)
class FaultRule:
    text: str
    method: str  # "*" for any
    path: re.Pattern[str] | None
    operation_id: str | None
    delay: Delay | None = None
    error_rate: float = 0.0
    error_status: int = 503
    error_code: str = "INJECTED_FAULT"
    drop_rate: float = 0.0
    malformed_rate: float = 0.0

    def matches(self, method: str, path: str, operation_id: str | None) -> bool:
        if self.operation_id is not None:
            return self.operation_id == operation_id
        return self.method in ("*", method) and self.path is not None and bool(self.path.match(path))


def parse_rule(text: str, operation_ids: Collection[str] = ()) -> FaultRule:
    """Read one rule; an operationId target must be one of `operation_ids` (when given)."""
    return _parse(text, frozenset(operation_ids))


@lru_cache(maxsize=1024)
def _parse(text: str, operation_ids: frozenset[str]) -> FaultRule:
    found = _RULE.match(text)
    if found is None:
        raise RuleError("a rule is 'TARGET: EFFECT ...', e.g. 'GET /api/co/vehicles: delay=200ms'")
    method, path, operation_id = _target(found["target"], operation_ids)
    effects = _effects(found["effects"])
    return FaultRule(text=text.strip(), method=method, path=path, operation_id=operation_id, **effects)


def _target(target: str, operation_ids: frozenset[str]) -> tuple[str, re.Pattern[str] | None, str | None]:
    parts = target.split()
    if len(parts) == 1 and not _is_path(parts[0]):
        if not _OPERATION_ID.match(parts[0]) or (operation_ids and parts[0] not in operation_ids):
            raise RuleError(f"target {parts[0]!r} is neither a path (/... or *) nor a known operationId")
        return "*", None, parts[0]
    if len(parts) == 1:
        parts = ["*", parts[0]]
    if len(parts) != 2 or parts[0].upper() not in METHODS or not _is_path(parts[1]):
        raise RuleError(
            f"target {target!r} must be an operationId, a path, or a method and a path (* is any path)"
        )
    return parts[0].upper(), _path_pattern(parts[1]), None


def _is_path(text: str) -> bool:
    return text == "*" or text.startswith("/")


def _path_pattern(path: str) -> re.Pattern[str]:
    # A lone "*" is any path; "*" inside a path any characters, "{name}" one segment.
    pieces = re.split(r"(\*|\{[^/}]*\})", path)
    regex = "".join(
        ".*" if piece == "*" else "[^/]+" if piece.startswith("{") else re.escape(piece) for piece in pieces
    )
    return re.compile(f"^{regex}$")


def _effects(text: str) -> dict[str, object]:
    # Spaces inside parentheses are allowed: "uniform(100ms, 300ms)".
    compact = re.sub(r"\(([^)]*)\)", lambda m: "(" + re.sub(r"\s+", "", m.group(1)) + ")", text)
    effects: dict[str, object] = {}
    seen: set[str] = set()
    for token in compact.split():
        name, equals, value = token.partition("=")
        if not equals or not value:
            raise RuleError(f"effect {token!r} must be NAME=VALUE (delay, error, drop, malformed)")
        if name in seen:
            raise RuleError(f"effect {name!r} is given twice")
        seen.add(name)
        if name == "delay":
            effects["delay"] = _delay(value)
        elif name == "error":
            rate, _, outcome = value.partition(":")
            effects["error_rate"] = _rate(rate, "error")
            effects["error_status"], effects["error_code"] = _outcome(outcome)
        elif name in ("drop", "malformed"):
            effects[f"{name}_rate"] = _rate(value, name)
        else:
            raise RuleError(f"unknown effect {name!r}; known: delay, error, drop, malformed")
    if not effects:
        raise RuleError("a rule needs at least one effect, e.g. delay=200ms")
    return effects


def parse_duration(text: str) -> float:
    found = _DURATION.match(text)
    if found is None:
        raise RuleError(f"duration {text!r} must be a number with ms or s, e.g. 250ms or 1.5s")
    seconds = float(found["number"]) / (1000 if found["unit"] == "ms" else 1)
    if seconds > MAX_DELAY_S:
        raise RuleError(f"duration {text!r} is longer than {MAX_DELAY_S:g} s")
    return seconds


def _delay(text: str) -> Delay:
    call = re.match(r"^(uniform|lognormal)\(([^,()]*),([^,()]*)\)$", text)
    if call is None:
        if "(" in text:
            raise RuleError(f"delay {text!r}: use uniform(LOW,HIGH) or lognormal(MEDIAN,SIGMA)")
        return Delay("fixed", parse_duration(text))
    kind, first, second = call.groups()
    if kind == "uniform":
        low, high = parse_duration(first), parse_duration(second)
        if low > high:
            raise RuleError(f"delay {text!r}: the low end is above the high end")
        return Delay("uniform", low, high)
    if not _NUMBER.match(second) or not 0 < float(second) <= 3:
        raise RuleError(f"delay {text!r}: sigma must be a number above 0 and at most 3")
    return Delay("lognormal", parse_duration(first), float(second))


def _rate(text: str, effect: str) -> float:
    percent = text.endswith("%")
    number = text[:-1] if percent else text
    if not _NUMBER.match(number):
        raise RuleError(f"{effect} rate {text!r} must be a number from 0 to 1, or a percentage")
    rate = float(number) / (100 if percent else 1)
    if rate > 1:
        raise RuleError(f"{effect} rate {text!r} is above 1 (100 %)")
    return rate


def _outcome(text: str) -> tuple[int, str]:
    """error=RATE:STATUS (any 4xx/5xx, code INJECTED_FAULT) or error=RATE:CODE (its own status)."""
    if text.isdigit():
        status = int(text)
        if not 400 <= status <= 599:
            raise RuleError(f"error status {status} must be between 400 and 599")
        return status, "INJECTED_FAULT"
    if _CODE.match(text) and text in CATALOGUE:
        return CATALOGUE[text].status, text
    raise RuleError(
        f"error outcome {text!r} must be a status (400–599) or a problem code such as REGISTRY_UNAVAILABLE"
    )
