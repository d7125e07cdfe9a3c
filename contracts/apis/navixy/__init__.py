"""The Navixy vehicle API (`/v2/vehicle/*`): its suites and rules.

`--token` is the account's session hash, `--second-token` another account's. The sub-user check
takes the hash of a sub-user without `vehicle_update` from MINBIL_NAVIXY_SUB_USER_HASH (the mock's
control API shows it as `credentials.navixy.sub_user_hash`); without it, that check is skipped.
"""

from __future__ import annotations

from ...failures import RuleViolation
from ...rule_matrix import Coverage
from ...rules import Rule
from .. import conformance_rows, pack_spec, package_api

_SPEC = pack_spec("navixy")

RULES: tuple[tuple[Rule, Coverage], ...] = (
    (
        Rule(
            "navixy.error-envelope",
            'A refusal is {"success": false, "status": {code, description}} at its documented HTTP status',
        ),
        Coverage(
            "info.description Answers",
            ("auth", "isolation", "model", "conformance"),
            ("navixy-not-found-http-404",),
        ),
    ),
    (
        Rule("navixy.auth-wrong-hash", "A missing or malformed hash answers code 3"),
        Coverage("components.securitySchemes.sessionHash", ("auth",)),
    ),
    (
        Rule("navixy.auth-ended-session", "A well-formed hash that names no session answers code 4"),
        Coverage("components.securitySchemes.sessionHash", ("auth",), ("navixy-ended-hash-code-3",)),
    ),
    (
        Rule(
            "navixy.auth-sub-user-rights", "A sub-user without vehicle_update is refused writes with code 11"
        ),
        Coverage("info.description Session", ("auth",), ("navixy-sub-user-may-write",)),
    ),
    (
        Rule("navixy.read-after-write", "A created or updated vehicle reads back as it was sent"),
        Coverage("POST /vehicle/update description", ("model",), ("navixy-update-keeps-old-tags",)),
    ),
    (
        Rule("navixy.list-paging", "limit/offset pages cover the list exactly once, in order"),
        Coverage("POST /vehicle/list description", ("model",), ("navixy-list-offset-off-by-one",)),
    ),
    (
        Rule("navixy.list-sort", "The list is sorted by the sort options, in their directions"),
        Coverage("POST /vehicle/list description", ("model",), ("navixy-sort-ignores-desc",)),
    ),
    (
        Rule(
            "navixy.list-filter",
            "filter keeps exactly the vehicles whose VIN, reg number or label contains it",
        ),
        Coverage("POST /vehicle/list description", ("model",), ("navixy-filter-label-only",)),
    ),
    (
        Rule(
            "navixy.delete", "vehicle_id of an unknown vehicle answers 201; unknown vehicle_ids are skipped"
        ),
        Coverage("POST /vehicle/delete description", ("model",), ("navixy-delete-ids-refuses-unknown",)),
    ),
    (
        Rule(
            "navixy.tracker-reassign",
            "A bound tracker moves to the new vehicle; with force_reassign false, 247",
        ),
        Coverage("POST /vehicle/create description", ("model",), ("navixy-force-reassign-ignored",)),
    ),
    (
        Rule("navixy.isolation", "One account's vehicles are out of another account's reach"),
        Coverage("info.description Session", ("isolation",), ("navixy-read-any-sandbox",)),
    ),
    *conformance_rows(
        _SPEC,
        operations="action",
        schemas="the vehicle object",
    ),
)


def _setup(ctx) -> None:
    from .client import NavixyClient

    answer = NavixyClient(ctx.http, ctx.options.token).call("vehicle/list", limit=1)
    if not answer.ok:
        raise RuleViolation(
            "contracts.setup",
            f"vehicle/list with the hash answered {answer.status} {answer.body!r}",
            [answer.exchange],
        )


API = package_api(
    __name__,
    name="navixy",
    title="Navixy vehicle API",
    suites=("auth", "model", "isolation", "conformance"),
    setup=_setup,
    rules=RULES,
)
