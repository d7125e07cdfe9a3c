"""The APIs the suite can check beside CarOwner: one package each (contracts/apis/<name>/).

A package exposes `API = ApiSuites(...)`: its spec, its suites (modules with DESCRIPTION and
run(ctx), as in contracts/suites/), the check that the target and credentials work, and its rules
with where each is stated, its checks and the planted faults that prove them. `--token` and
`--second-token` carry that API's credentials (a bearer token, a Navixy session hash).
Adding an API is a package and one line in API_PACKAGES.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..rule_matrix import Coverage
from ..rules import RULES, Rule, add_api_rules

if TYPE_CHECKING:
    from ..context import SuiteContext
    from ..suites import SuiteSpec

CAROWNER = "carowner"
REGISTRY = "registry"
# name -> package; imported only when that API is run.
API_PACKAGES: dict[str, str] = {
    "trimble": "contracts.apis.trimble",
    "navixy": "contracts.apis.navixy",
}


@dataclass(frozen=True)
class ApiSuites:
    name: str
    title: str
    spec_path: Path  # the OpenAPI document the server is held to (read as a file)
    suites: tuple[SuiteSpec, ...]  # in run order
    # Raises RuleViolation("contracts.setup", ...) unless the target answers the credentials.
    setup: Callable[[SuiteContext], None]
    rules: tuple[tuple[Rule, Coverage], ...]

    @property
    def suite_names(self) -> tuple[str, ...]:
        return tuple(suite.name for suite in self.suites)

    def suite(self, name: str) -> SuiteSpec:
        return next(suite for suite in self.suites if suite.name == name)


def conformance_row(rule_id: str, stated: str, faults: tuple[str, ...] = ()) -> tuple[Rule, Coverage]:
    """A row of an API's conformance suite (schemathesis on its spec), under the catalogue's own
    `conformance.*` rule."""
    return RULES[rule_id], Coverage(stated, ("conformance",), faults)


# The repository, where a pack's spec is read from (its path as the rule matrix states it).
_REPO = Path(__file__).resolve().parents[2]


def pack_spec(name: str) -> str:
    """Where the spec of the mock's `name` pack stands, relative to the repository."""
    return f"mock_server/packs/{name}/openapi.yaml"


def conformance_rows(
    spec: str,
    *,
    operations: str,
    schemas: str,
    schema_faults: tuple[str, ...] = (),
    security: tuple[tuple[Rule, Coverage], ...] = (),
) -> tuple[tuple[Rule, Coverage], ...]:
    """The conformance rows every API's matrix has, stated in its spec: `operations` names what its
    paths hold ("action"), `schemas` what its components/schemas hold, `security` the rows of its
    security scheme where it has one."""
    return (
        conformance_row("conformance.server-error", f"{spec} responses (no 5xx documented)"),
        conformance_row("conformance.status-code", f"{spec} responses of every {operations}"),
        conformance_row("conformance.content-type", f"{spec} response content types"),
        conformance_row(
            "conformance.response-schema", f"{spec} components/schemas ({schemas})", schema_faults
        ),
        conformance_row("conformance.negative-data-rejection", f"{spec} parameter and body schemas"),
        conformance_row("conformance.positive-data-acceptance", f"{spec} parameter and body schemas"),
        *security,
        conformance_row("conformance.unsupported-method", "HTTP semantics (RFC 9110 §15.5.6)"),
        conformance_row("conformance.engine-error", "(the harness)"),
    )


def package_api(
    package: str,
    *,
    name: str,
    title: str,
    suites: tuple[str, ...],
    setup: Callable[[SuiteContext], None],
    rules: tuple[tuple[Rule, Coverage], ...],
) -> ApiSuites:
    """The `ApiSuites` of an API package whose suites are its own modules, one per name, in run order;
    its spec is the mock's pack of the same name."""
    from ..suites import SuiteSpec

    return ApiSuites(
        name=name,
        title=title,
        spec_path=_REPO / pack_spec(name),
        suites=tuple(SuiteSpec(suite, suite, package=package) for suite in suites),
        setup=setup,
        rules=rules,
    )


def api_names() -> tuple[str, ...]:
    return (CAROWNER, REGISTRY, *API_PACKAGES)


def api_suites(name: str) -> ApiSuites:
    """The suites of an API other than CarOwner and the registry; their rules join the catalogue."""
    if name not in API_PACKAGES:
        raise ValueError(f"unknown API {name!r}; known: {', '.join(api_names())}")
    api: ApiSuites = importlib.import_module(API_PACKAGES[name]).API
    add_api_rules(rule for rule, _ in api.rules)
    return api


def render_rules(api: ApiSuites) -> str:
    """An API's rule matrix for a terminal, like `minbil-contracts rules` for CarOwner."""
    blocks = [
        f"{rule.id}\n    {rule.summary}\n    stated  {coverage.stated or '—'}\n"
        f"    checks  {', '.join(coverage.checks) or '—'}\n    faults  {', '.join(coverage.faults) or '—'}\n"
        for rule, coverage in api.rules
    ]
    proven = sum(1 for _, coverage in api.rules if coverage.faults)
    return (
        "\n".join(blocks) + f"\n{len(blocks)} rules of the {api.title}, {proven} proven by planted faults\n"
    )
