"""The Trimble CoPilot fleet vehicles API (`/api/assets/v1/vehicles`): its suites and rules."""

from __future__ import annotations

from pathlib import Path

from ...failures import RuleViolation
from ...rule_matrix import Coverage
from ...rules import Rule
from ...suites import SuiteSpec
from .. import conformance_row
from .common import VEHICLES, client

_SPEC = "mock_server/packs/trimble/openapi.yaml"


SPEC_PATH = Path(__file__).resolve().parents[3] / "mock_server" / "packs" / "trimble" / "openapi.yaml"

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
    conformance_row("conformance.server-error", f"{_SPEC} responses (no 5xx documented)"),
    conformance_row("conformance.status-code", f"{_SPEC} responses of every operation"),
    conformance_row("conformance.content-type", f"{_SPEC} response content types"),
    conformance_row(
        "conformance.response-schema",
        f"{_SPEC} components/schemas (ModifiedOn)",
        ("trimble-modified-on-with-offset",),
    ),
    conformance_row("conformance.negative-data-rejection", f"{_SPEC} parameter and body schemas"),
    conformance_row("conformance.positive-data-acceptance", f"{_SPEC} parameter and body schemas"),
    conformance_row("conformance.missing-required-header", f"{_SPEC} security (trimbleBearer)"),
    conformance_row("conformance.ignored-auth", f"{_SPEC} security; info.description Authentication"),
    conformance_row("conformance.unsupported-method", "HTTP semantics (RFC 9110 §15.5.6)"),
    conformance_row("conformance.engine-error", "(the harness)"),
)


def _setup(ctx) -> None:
    answer = client(ctx).get(VEHICLES, params={"limit": 1})
    if answer.status != 200:
        raise RuleViolation(
            "contracts.setup", f"GET {VEHICLES} with the token answered {answer.status}", [answer.exchange]
        )


def _api():
    from .. import ApiSuites

    return ApiSuites(
        name="trimble",
        title="Trimble CoPilot fleet vehicles API",
        spec_path=SPEC_PATH,
        suites=(
            SuiteSpec("auth", "auth", package=__name__),
            SuiteSpec("fleet", "fleet", package=__name__),
            SuiteSpec("paging", "paging", package=__name__),
            SuiteSpec("isolation", "isolation", package=__name__),
            SuiteSpec("conformance", "conformance", package=__name__),
        ),
        setup=_setup,
        rules=RULES,
    )


API = _api()
