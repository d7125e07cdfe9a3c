"""The rules the Navixy suites check, by id; registered beside the CarOwner rules."""

from __future__ import annotations

from ...rules import RULES, Rule

NAVIXY_RULES: tuple[Rule, ...] = (
    Rule(
        "navixy.error-envelope",
        'A refusal is {"success": false, "status": {code, description}} with its HTTP status',
    ),
    Rule("navixy.auth-wrong-hash", "A missing or malformed hash answers code 3"),
    Rule("navixy.auth-ended-session", "A well-formed hash that names no session answers code 4"),
    Rule("navixy.auth-sub-user-rights", "A sub-user without vehicle_update is refused writes with code 11"),
    Rule("navixy.read-after-write", "A created or updated vehicle reads back as it was sent"),
    Rule("navixy.list-paging", "limit/offset pages cover the list exactly once, in order"),
    Rule("navixy.list-sort", "The list is sorted by the sort options, in their directions"),
    Rule(
        "navixy.list-filter", "filter keeps exactly the vehicles whose VIN, reg number or label contains it"
    ),
    Rule("navixy.delete", "vehicle_id of an unknown vehicle answers 201; unknown vehicle_ids are skipped"),
    Rule(
        "navixy.tracker-reassign", "A bound tracker moves to the new vehicle; with force_reassign false, 247"
    ),
    Rule("navixy.isolation", "One account's vehicles are out of another account's reach"),
)


def register_rules() -> None:
    for rule in NAVIXY_RULES:
        RULES.setdefault(rule.id, rule)
