"""Conformance: schemathesis over every operation of the Navixy spec (examples, coverage, fuzzing).

The session hash goes in as the spec's `sessionHash` scheme. Navixy refuses with HTTP 400 whatever
it refuses (201 for an id the account lacks, 247 for a bound tracker), so a schema-valid request
may be answered 400; and a request without the hash is code 3 at 400, not 401, so `ignored_auth`
does not apply. Events are read as the CarOwner conformance suite reads them (spec_conformance).
"""

from __future__ import annotations

from ...context import SuiteContext
from ..spec_conformance import run_spec

DESCRIPTION = "schemathesis over every Navixy operation: examples, coverage, fuzzing"
BASE_PATH = "/v2"
POSITIVE_STATUSES = ["2xx", "400", "403", "429"]


def run(ctx: SuiteContext) -> None:
    from . import API

    run_spec(
        ctx,
        API.spec_path,
        BASE_PATH,
        auth={"sessionHash": {"api_key": ctx.options.token}},
        positive_statuses=POSITIVE_STATUSES,
        checks={"ignored_auth": {"enabled": False}},
    )
