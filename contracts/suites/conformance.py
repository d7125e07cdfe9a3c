"""Conformance: schemathesis over every operation of openapi.yaml (examples, coverage, fuzzing, stateful).

The engine is driven by schemathesis_engine (shared with the other APIs' conformance suites); this
module sets it up for CarOwner: the configuration table, a fresh export token, read-only mode, the
user's data kept as it was, the dismissal report and the link checks after the run.
"""

from __future__ import annotations

import contextlib

import schemathesis

from ..context import SuiteContext
from ..events import Setting
from ..target import ASGI_BASE_URL
from . import links
from .conformance_config import DISMISSAL_FILTERS, build_config, explain
from .schemathesis_engine import drive
from .user_snapshot import preserved_user_data

DESCRIPTION = "schemathesis over every operation: examples, coverage, fuzzing, stateful links"


def run(ctx: SuiteContext) -> None:
    export_token = _fresh_export_token(ctx)
    base_url = ASGI_BASE_URL if ctx.target.in_process else ctx.target.base_url
    config = build_config(ctx.options, base_url=base_url, export_token=export_token)
    ctx.configured(explain(ctx.options, export_token_issued=export_token is not None))
    schema = schemathesis.openapi.from_path(ctx.options.spec_path, config=config)
    if ctx.target.in_process:
        schema.app = ctx.target.app
    if ctx.options.read_only:
        ctx.progress("read-only mode: only GET operations are exercised")
        # An exclusion, not include(method="GET"): includes are OR-ed with the per-operation settings.
        schema = schema.exclude(method=["POST", "PUT", "PATCH", "DELETE"])
    dismissed: list[tuple[str, str]] = []
    with preserved_user_data(ctx) if not ctx.options.read_only else contextlib.nullcontext():
        try:
            drive(ctx, schema, dismissed)
        finally:
            ctx.configured(_dismissals(dismissed))
        links.run(ctx)


def _dismissals(dismissed: list[tuple[str, str]]) -> tuple[Setting, ...]:
    """What the dismissal filters left out of this run's verdicts, per check (the reasons, each once)."""
    settings = []
    for check, nothing in DISMISSAL_FILTERS.items():
        reasons = list(dict.fromkeys(reason for name, reason in dismissed if name == check))
        shown = "; ".join(reasons[:5]) + (f"; and {len(reasons) - 5} more" if len(reasons) > 5 else "")
        count = sum(1 for name, _ in dismissed if name == check)
        settings.append(Setting(f"dismissed in this run: {check}", f"{count} failure(s)", shown or nothing))
    return tuple(settings)


def _fresh_export_token(ctx: SuiteContext) -> str | None:
    response = ctx.client(check_invariants=False).get("/api/co/service-log/export-token")
    if response.status != 200:
        return None
    token = response.data.get("token")
    return token if isinstance(token, str) else None
