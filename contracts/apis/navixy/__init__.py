"""The contract suites of the Navixy vehicle API (`/v2/vehicle/*`): auth, a state machine against a
plain model, isolation between two accounts. They talk HTTP only (any httpx.Client, ASGI or real)."""

from __future__ import annotations

from .rules import NAVIXY_RULES, register_rules

SUITES: tuple[tuple[str, str], ...] = (
    ("auth", "contracts.apis.navixy.auth"),
    ("model", "contracts.apis.navixy.model"),
    ("isolation", "contracts.apis.navixy.isolation"),
)

__all__ = ["NAVIXY_RULES", "SUITES", "register_rules"]
register_rules()
