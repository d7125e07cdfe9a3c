"""The Trimble CoPilot fleet vehicles API (`/api/assets/v1/vehicles`): its suites and rules."""

from __future__ import annotations

from ...failures import RuleViolation
from ...rule_matrix import Coverage
from ...rules import Rule
from .. import conformance_row, conformance_rows, pack_spec, package_api
from .common import VEHICLES, client

_SPEC = pack_spec("trimble")


RULES: tuple[tuple[Rule, Coverage], ...] = (
    (
        Rule(
            "trimble.duplicates",
            "A vehicle whose ID or name the fleet has is not added, and is named in the -12 error",
        ),
        Coverage(
            "POST /vehicles description",
            ("fleet",),
            ("trimble-duplicate-overwrites", "trimble-names-not-unique"),
        ),
    ),
    (
        Rule("trimble.update", "A rename changes the named vehicle only; unknown IDs are listed under -11"),
        Coverage("PUT /vehicles description", ("fleet",), ("trimble-update-unknown-creates",)),
    ),
    (
        Rule("trimble.delete", "Deleting removes the vehicle; an unknown vehicle ID is a 404 message"),
        Coverage("DELETE /vehicles description", ("fleet",), ("trimble-delete-unknown-200",)),
    ),
    (
        Rule("trimble.read-back", "What was added or renamed is listed as sent, in the list's casing"),
        Coverage("info.description Casing", ("fleet",)),
    ),
    (
        Rule(
            "trimble.paging", "Following next from offset 0 lists every vehicle once; size counts the fleet"
        ),
        Coverage(
            "GET /vehicles description", ("paging",), ("trimble-next-skips-one", "trimble-size-counts-page")
        ),
    ),
    (
        Rule("trimble.sorting", "The list is sorted by the sortExpression, in the sortDirection asked"),
        Coverage("GET /vehicles description", ("paging",), ("trimble-desc-ignored",)),
    ),
    (
        Rule(
            "trimble.limits", "More than 50 vehicles, bad characters or missing fields are a 400 with code -1"
        ),
        Coverage("info.description Errors", ("fleet",)),
    ),
    (
        Rule("trimble.auth", "No token or an unknown one is a 401 in the API's error shape (code -3)"),
        Coverage("info.description Authentication", ("auth",), ("trimble-401-problem-json",)),
    ),
    (
        Rule("trimble.isolation", "One credential's fleet is out of another's sight and reach"),
        Coverage("info.description Authentication", ("isolation",), ("trimble-shared-fleet",)),
    ),
    *conformance_rows(
        _SPEC,
        operations="operation",
        schemas="ModifiedOn",
        schema_faults=("trimble-modified-on-with-offset",),
        security=(
            conformance_row("conformance.missing-required-header", f"{_SPEC} security (trimbleBearer)"),
            conformance_row("conformance.ignored-auth", f"{_SPEC} security; info.description Authentication"),
        ),
    ),
)


def _setup(ctx) -> None:
    answer = client(ctx).get(VEHICLES, params={"limit": 1})
    if answer.status != 200:
        raise RuleViolation(
            "contracts.setup", f"GET {VEHICLES} with the token answered {answer.status}", [answer.exchange]
        )


API = package_api(
    __name__,
    name="trimble",
    title="Trimble CoPilot fleet vehicles API",
    suites=("auth", "fleet", "paging", "isolation", "conformance"),
    setup=_setup,
    rules=RULES,
)
