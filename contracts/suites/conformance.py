"""Conformance: schemathesis over every operation of openapi.yaml (examples, coverage, fuzzing, stateful).

schemathesis's engine is driven in-process and its events are translated into ours, one check per
phase and operation. This module is the only place that knows the engine's event types.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import schemathesis
from schemathesis.engine import Status as EngineStatus
from schemathesis.engine import events as engine_events
from schemathesis.engine import from_schema

from ..context import SuiteContext
from ..events import Setting
from ..exchange import Exchange
from ..failures import CheckSkipped, Failure
from ..target import ASGI_BASE_URL
from . import links
from .conformance_config import CHECK_RULES, DISMISSAL_FILTERS, build_config, explain
from .form_wire import WIRE_DEPENDENT_CHECKS, valid_as_sent
from .stateful_links import LINK_DEPENDENT_CHECKS, unfollowed_link
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
    collector = _Collector(ctx)
    with preserved_user_data(ctx) if not ctx.options.read_only else contextlib.nullcontext():
        try:
            for event in from_schema(schema).execute():
                _translate(ctx, collector, event)
        finally:
            ctx.configured(_dismissals(collector.dismissed))
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


class _Collector:
    """Buffers one phase's scenarios so repeated runs of one label (stateful cycles) become one check."""

    def __init__(self, ctx: SuiteContext) -> None:
        self.ctx = ctx
        # Failures the dismissal filters left out, each as (check, "scenario: why"), over the whole run.
        self.dismissed: list[tuple[str, str]] = []
        self._reset()

    def _reset(self) -> None:
        self.order: list[str] = []
        self.failures: dict[str, list[Failure]] = {}
        self.durations: dict[str, float] = {}
        self.skips: dict[str, str] = {}
        self.ran: set[str] = set()

    def scenario(self, event: engine_events.ScenarioFinished) -> None:
        name = f"{event.phase.value}: {event.recorder.label}"
        if name not in self.failures:
            self.order.append(name)
            self.failures[name] = []
            self.durations[name] = 0.0
        self.durations[name] += event.elapsed_time
        if event.status == EngineStatus.SKIP:
            self.skips.setdefault(name, event.skip_reason or "not applicable")
            return
        self.ran.add(name)
        found = list(_failures(self.ctx, name, event, self.dismissed))
        if event.status == EngineStatus.ERROR and not found:
            found = [
                Failure("conformance.engine-error", "the scenario ended in an error", self.ctx.suite, name)
            ]
        known = {(failure.rule_id, failure.message) for failure in self.failures[name]}
        self.failures[name] += [
            failure for failure in found if (failure.rule_id, failure.message) not in known
        ]

    def flush(self) -> None:
        for name in self.order:
            if name not in self.ran:
                reason = self.skips.get(name, "not applicable")
                self.ctx.run_check(name, lambda reason=reason: _skip(reason))
            else:
                self.ctx.record(name, tuple(self.failures[name]), self.durations[name])
        self._reset()


def _translate(ctx: SuiteContext, collector: _Collector, event: engine_events.EngineEvent) -> None:
    if isinstance(event, engine_events.PhaseStarted):
        ctx.progress(f"phase {event.phase.name.value}")
    elif isinstance(event, engine_events.PhaseFinished):
        collector.flush()
    elif isinstance(event, engine_events.ScenarioFinished) and event.is_test_scenario:
        collector.scenario(event)
    elif isinstance(event, engine_events.NonFatalError):
        failure = Failure(
            "conformance.engine-error", f"{event.info.title}: {event.info.message}", ctx.suite, event.label
        )
        ctx.record(f"error: {event.label}", (failure,), 0.0)
    elif isinstance(event, engine_events.FatalError):
        failure = Failure("conformance.engine-error", repr(event.exception), ctx.suite, "engine")
        ctx.record("engine", (failure,), 0.0)
    elif isinstance(event, engine_events.EngineFinished):
        collector.flush()
        if event.failures:
            failures = tuple(
                Failure(_rule_of_failure(failure), _message(failure), ctx.suite, "after-run checks")
                for failure in event.failures
            )
            ctx.record("after-run checks", failures, 0.0)


def _skip(reason: str) -> None:
    raise CheckSkipped(reason)


def _failures(
    ctx: SuiteContext, name: str, event: engine_events.ScenarioFinished, dismissed: list[tuple[str, str]]
) -> Iterator[Failure]:
    recorder = event.recorder
    seen: set[tuple[str, str]] = set()
    for case_id, checks in recorder.checks.items():
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            rule_id = CHECK_RULES.get(check.name, "conformance.engine-error")
            message = _message(info.failure, name)
            dismissal = _dismissal(check.name, recorder, case_id)
            if dismissal is not None:
                ctx.progress(f"{name}: {check.name} not counted: {dismissal}")
                dismissed.append((check.name, f"{name}: {dismissal}"))
                continue
            if (rule_id, message) in seen:
                continue
            seen.add((rule_id, message))
            found = [_exchange(recorder, step.case_id) for step in info.steps] or [
                _exchange(recorder, case_id)
            ]
            steps = tuple(step for step in found if step is not None)
            # Probes the check sent itself are not recorded as cases; schemathesis's own curl line stands in.
            curl = () if steps else (info.code_sample,)
            yield Failure(rule_id, message, ctx.suite, name, steps, curl)


def _dismissal(check: str, recorder: object, case_id: str) -> str | None:
    """Why a failure of `check` says nothing about the server (see the two filters), or None."""
    if check in LINK_DEPENDENT_CHECKS:
        return unfollowed_link(recorder, case_id)
    if check in WIRE_DEPENDENT_CHECKS:
        return valid_as_sent(recorder, case_id)
    return None


def _rule_of_failure(failure: Exception) -> str:
    checks = getattr(failure, "checks", ())
    return next((CHECK_RULES[name] for name in checks if name in CHECK_RULES), "conformance.engine-error")


def _message(failure: Exception, check: str = "") -> str:
    title = getattr(failure, "title", type(failure).__name__)
    message = getattr(failure, "message", str(failure))
    operation = getattr(failure, "operation", None)
    # Named once: the check's name already says which operation it ran, except in the stateful phase.
    prefix = f"{operation}: " if operation and operation not in check else ""
    return f"{prefix}{title}\n{message}".strip()


def _exchange(recorder: object, case_id: str) -> Exchange | None:
    """Our record of one request schemathesis sent, so all reports show reproductions alike."""
    interactions = getattr(recorder, "interactions", {})
    interaction = interactions.get(case_id)
    if interaction is None:
        return None
    request = interaction.request
    response = interaction.response
    headers = tuple(
        (name, _first(value))
        for name, value in request.headers.items()
        if name.lower() in ("authorization", "content-type")
    )
    return Exchange(
        method=request.method,
        url=request.uri,
        request_headers=headers,
        request_body=request.body,
        status=response.status_code if response is not None else None,
        response_headers=tuple(
            (name, _first(value)) for name, value in (response.headers if response else {}).items()
        ),
        response_body=(response.content or b"") if response is not None else b"",
    )


def _first(value: object) -> str:
    if isinstance(value, list | tuple):
        return str(value[0]) if value else ""
    return str(value)
