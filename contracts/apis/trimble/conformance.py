"""Conformance: schemathesis over every operation of the Trimble spec (examples, coverage, fuzzing).

The token goes in as the spec's `trimbleBearer` scheme. A schema-valid request may name a vehicle
the fleet lacks (DELETE answers 404 with a message); every refusal the schema can express is a 400
with code -1, and a missing or unknown token a 401, so `ignored_auth` applies as in CarOwner's suite.
"""

from __future__ import annotations

from ...context import SuiteContext
from ..spec_conformance import run_spec

DESCRIPTION = "schemathesis over every Trimble operation: examples, coverage, fuzzing"
BASE_PATH = "/api/assets/v1"
POSITIVE_STATUSES = ["2xx", "404"]


def run(ctx: SuiteContext) -> None:
    from . import API

    run_spec(
        ctx,
        API.spec_path,
        BASE_PATH,
        auth={"trimbleBearer": {"bearer": ctx.options.token}},
        positive_statuses=POSITIVE_STATUSES,
    )
