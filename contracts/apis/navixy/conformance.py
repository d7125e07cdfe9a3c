"""Conformance: schemathesis over every operation of the Navixy spec (examples, coverage, fuzzing).

The session hash goes in as the spec's `sessionHash` scheme. Navixy refuses with HTTP 400 whatever
it refuses (201 for an id the account lacks, 247 for a bound tracker), so a schema-valid request
may be answered 400; and a request without the hash is code 3 at 400, not 401, so `ignored_auth`
does not apply. Events are read as the CarOwner conformance suite reads them.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import from_schema

from ...context import SuiteContext
from ...suites import conformance as engine
from ...target import ASGI_BASE_URL

DESCRIPTION = "schemathesis over every Navixy operation: examples, coverage, fuzzing"
BASE_PATH = "/v2"
POSITIVE_STATUSES = ["2xx", "400", "403", "429"]


def config(ctx: SuiteContext, base_url: str) -> SchemathesisConfig:
    profile = ctx.options.profile
    phases = set(profile.conformance_phases)
    data: dict[str, Any] = {
        "seed": ctx.options.seed,
        "base-url": base_url,
        "workers": 1,
        "auth": {"openapi": {"sessionHash": {"api_key": ctx.options.token}}},
        "generation": {"max-examples": profile.conformance_examples, "database": "none"},
        "phases": {
            "examples": {"enabled": "examples" in phases, "fill-missing": True},
            "coverage": {"enabled": "coverage" in phases},
            "fuzzing": {"enabled": "fuzzing" in phases},
            "stateful": {"enabled": False},  # the spec has no links
        },
        "checks": {
            "ignored_auth": {"enabled": False},
            "positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES},
        },
    }
    if profile.conformance_max_time is not None:
        data["max-time"] = profile.conformance_max_time
    return SchemathesisConfig.from_dict(data)


def run(ctx: SuiteContext) -> None:
    from . import SPEC_PATH

    ctx.skip_if_read_only()
    root = ASGI_BASE_URL if ctx.target.in_process else ctx.target.base_url
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=config(ctx, root + BASE_PATH))
    if ctx.target.in_process:
        schema.app = ctx.target.app
    collector = engine._Collector(ctx)
    for event in from_schema(schema).execute():
        engine._translate(ctx, collector, event)
