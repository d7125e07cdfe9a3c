"""run_suite(target, options) -> Report: runs the chosen suites in order and emits events as it goes."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable

import httpx

from .apis import API_PACKAGES, CAROWNER, api_suites
from .client import ApiClient
from .context import SuiteContext
from .events import (
    Broadcast,
    Event,
    Listener,
    RunFinished,
    RunStarted,
    SkippedSuite,
    SuiteFinished,
    SuiteStarted,
)
from .exchange import REGISTRY_KEY_VARIABLE, SECOND_TOKEN_VARIABLE, TOKEN_VARIABLE, Secrets
from .failures import RuleViolation, Status, expect
from .options import SUITE_NAMES, RunOptions
from .report import Report
from .suites import SUITES, SuiteSpec
from .target import Target

SETUP_FAILED = "the API could not be used (see setup)"
NO_REGISTRY = "no registry given (pass --registry-url, and --registry-key unless it is the mock's)"


def secrets_for(options: RunOptions) -> Secrets:
    """Tokens and keys never appear in reports; reproductions name the environment variables instead."""
    values = {options.token: TOKEN_VARIABLE}
    if options.second_token:
        values[options.second_token] = SECOND_TOKEN_VARIABLE
    if options.registry is not None:
        values[options.registry.api_key] = REGISTRY_KEY_VARIABLE
    return Secrets(values)


def run_suite(target: Target, options: RunOptions, listeners: Iterable[Listener] = ()) -> Report:
    if options.api in API_PACKAGES:
        api = api_suites(options.api)
        chosen = tuple(api.suite(name) for name in api.suite_names if name in options.suites)
        return _run(target, options, listeners, chosen, api.setup)
    chosen = tuple(SUITES[name] for name in SUITE_NAMES if name in options.suites)
    return _run(target, options, listeners, chosen, _tokens_are_accepted)


def _run(
    target: Target,
    options: RunOptions,
    listeners: Iterable[Listener],
    chosen: tuple[SuiteSpec, ...],
    setup: Callable[[SuiteContext], None],
) -> Report:
    report = Report()
    emit = Broadcast([report, *listeners])
    notes: list[str] = []
    options = _with_working_time_control(options, notes)
    names = tuple(spec.name for spec in chosen)
    emit(RunStarted(target.describe(), names, options.profile.name, options.seed, options.read_only))
    started = time.monotonic()
    skipped: list[SkippedSuite] = []
    ran: list[str] = []
    with target.connect() as http:
        api_ready = True
        if any(not spec.registry_only for spec in chosen):
            context = _context("setup", target, options, http, emit)
            check = context.run_check("target reachable and tokens accepted", lambda: setup(context))
            api_ready = check is Status.PASSED
        for spec in chosen:
            name = spec.name
            reason = _reason_to_skip(spec, api_ready, options)
            if reason is not None:
                skipped.append(SkippedSuite(name, reason))
                emit(SuiteFinished(name, 0.0, skipped_reason=reason))
                continue
            ran.append(name)
            description, run = spec.load()
            emit(SuiteStarted(name, description))
            suite_started = time.monotonic()
            context = _context(name, target, options, http, emit)
            try:
                run(context)
            except Exception as error:  # the boundary of a suite: report it, run the next one
                context.report_crash("suite could not finish", error)
            emit(SuiteFinished(name, time.monotonic() - suite_started))
    # Notes only about suites that ran: after a failed setup there is nothing to qualify.
    if options.time_control is None and "read-model" in ran and options.api == CAROWNER:
        notes.append("export-token expiry was checked from expires_at only; --mock-controls lets time pass")
    emit(
        RunFinished(
            duration=time.monotonic() - started,
            seed=options.seed,
            failed_checks=report.count(Status.FAILED),
            passed_checks=report.count(Status.PASSED),
            skipped_checks=report.count(Status.SKIPPED),
            notes=tuple(notes),
            skipped_suites=tuple(skipped),
        )
    )
    return report


def _with_working_time_control(options: RunOptions, notes: list[str]) -> RunOptions:
    """--mock-controls against a server without them is said plainly, and the run goes on without."""
    probe = getattr(options.time_control, "unavailable", None)
    reason = probe(options.token) if probe is not None else None
    if reason is None:
        return options
    notes.append(f"--mock-controls ignored: {reason}")
    return dataclasses.replace(options, time_control=None)


def _reason_to_skip(spec: SuiteSpec, api_ready: bool, options: RunOptions) -> str | None:
    if not spec.registry_only and not api_ready:
        return SETUP_FAILED
    if spec.registry_only and options.registry is None:
        return NO_REGISTRY
    return None


def _context(
    suite: str, target: Target, options: RunOptions, http: httpx.Client, emit: Broadcast
) -> SuiteContext:
    def send(event: Event) -> None:
        emit(event)

    return SuiteContext(suite, target, options, http, send, secrets_for(options))


def _tokens_are_accepted(ctx: SuiteContext) -> None:
    tokens = [("--token", ctx.options.token)]
    if ctx.options.second_token:
        tokens.append(("--second-token", ctx.options.second_token))
    for flag, token in tokens:
        try:
            response = ApiClient(ctx.http, token, journal=ctx.journal, check_invariants=False).get(
                "/api/co/vehicles"
            )
        except httpx.HTTPError as error:
            raise RuleViolation(
                "contracts.setup", f"cannot reach {ctx.target.describe()}: {error}"
            ) from error
        expect(
            response.status == 200,
            "contracts.setup",
            f"GET /api/co/vehicles with {flag} answered {response.status}, not 200",
            response.exchange,
        )
