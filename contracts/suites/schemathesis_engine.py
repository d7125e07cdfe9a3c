"""Driving schemathesis's engine in-process: its events become our checks, one per phase and operation.

Every conformance suite (CarOwner's in contracts/suites/conformance.py, and each API's under
contracts/apis/) runs its schema through `drive`; this module is the only place that knows the
engine's event types. A failed schemathesis check is reported under its `conformance.*` rule
(CHECK_RULES); the dismissal filters of form_wire and stateful_links leave out failures that say
nothing about the server.
"""

from __future__ import annotations

from collections.abc import Iterator

from schemathesis.engine import Status as EngineStatus
from schemathesis.engine import events as engine_events
from schemathesis.engine import from_schema
from schemathesis.schemas import BaseSchema

from ..context import SuiteContext
from ..exchange import Exchange
from ..failures import CheckSkipped, Failure
from .conformance_config import CHECK_RULES
from .form_wire import WIRE_DEPENDENT_CHECKS, valid_as_sent
from .stateful_links import LINK_DEPENDENT_CHECKS, unfollowed_link


def drive(ctx: SuiteContext, schema: BaseSchema, dismissed: list[tuple[str, str]] | None = None) -> None:
    """Run every enabled phase of `schema` and record its scenarios as checks of `ctx`'s suite.

    Failures the dismissal filters leave out are appended to `dismissed` as (check, "scenario: why").
    """
    collector = _Collector(ctx, dismissed if dismissed is not None else [])
    for event in from_schema(schema).execute():
        _translate(ctx, collector, event)


class _Collector:
    """Buffers one phase's scenarios so repeated runs of one label (stateful cycles) become one check."""

    def __init__(self, ctx: SuiteContext, dismissed: list[tuple[str, str]]) -> None:
        self.ctx = ctx
        # Failures the dismissal filters left out, each as (check, "scenario: why"), over the whole run.
        self.dismissed = dismissed
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
