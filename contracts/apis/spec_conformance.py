"""Conformance for an API beside CarOwner: schemathesis over every operation of its spec.

Each API's `conformance` suite names its spec, base path, how its credential is sent and which
statuses answer valid data; this module builds the engine's configuration from the run's profile
and seed and drives it (contracts/suites/schemathesis_engine), so a failure is reported under its
`conformance.*` rule as in CarOwner's suite. The stateful phase is off: these specs have no links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig

from ..context import SuiteContext
from ..suites.schemathesis_engine import drive
from ..target import ASGI_BASE_URL


def config(
    ctx: SuiteContext,
    base_url: str,
    auth: dict[str, dict[str, str]],
    positive_statuses: list[str],
    checks: dict[str, dict[str, Any]] | None = None,
) -> SchemathesisConfig:
    """The engine's configuration: `auth` maps the spec's security schemes to the credential."""
    profile = ctx.options.profile
    phases = set(profile.conformance_phases)
    data: dict[str, Any] = {
        "seed": ctx.options.seed,
        "base-url": base_url,
        "workers": 1,
        "auth": {"openapi": auth},
        "generation": {"max-examples": profile.conformance_examples, "database": "none"},
        "phases": {
            "examples": {"enabled": "examples" in phases, "fill-missing": True},
            "coverage": {"enabled": "coverage" in phases},
            "fuzzing": {"enabled": "fuzzing" in phases},
            "stateful": {"enabled": False},
        },
        "checks": {
            "positive_data_acceptance": {"expected-statuses": positive_statuses},
            **(checks or {}),
        },
    }
    if profile.conformance_max_time is not None:
        data["max-time"] = profile.conformance_max_time
    return SchemathesisConfig.from_dict(data)


def run_spec(
    ctx: SuiteContext,
    spec_path: Path,
    base_path: str,
    auth: dict[str, dict[str, str]],
    positive_statuses: list[str],
    checks: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Run schemathesis on the spec at `spec_path`, served below `base_path` of the target."""
    ctx.skip_if_read_only()
    root = ASGI_BASE_URL if ctx.target.in_process else ctx.target.base_url
    settings = config(ctx, root + base_path, auth, positive_statuses, checks)
    schema = schemathesis.openapi.from_path(spec_path, config=settings)
    if ctx.target.in_process:
        schema.app = ctx.target.app
    drive(ctx, schema)
