"""What a suite gets to work with, and the one place that turns a check's outcome into an event."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx

from .client import ApiClient
from .events import CheckFinished, Event, Progress, Setting, SuiteConfigured
from .exchange import Exchange, Secrets
from .failures import CheckSkipped, Failure, RuleViolation, Status
from .options import RunOptions
from .target import Target


@dataclass
class SuiteContext:
    suite: str
    target: Target
    options: RunOptions
    http: httpx.Client
    emit: Callable[[Event], None]
    secrets: Secrets
    # Every exchange of the suite, oldest first; an unexpected error is reported with the last one.
    journal: list[Exchange] = field(default_factory=list)

    def client(self, token: str | None = None, *, check_invariants: bool = True) -> ApiClient:
        """A client with its own journal. Defaults to the main token."""
        chosen = self.options.token if token is None else token
        return ApiClient(self.http, chosen, journal=self.journal, check_invariants=check_invariants)

    def anonymous(self) -> ApiClient:
        return ApiClient(self.http, None, journal=self.journal)

    def progress(self, message: str) -> None:
        self.emit(Progress(self.suite, message))

    def configured(self, settings: tuple[Setting, ...]) -> None:
        """Tells the reports how this suite was set up for the run, and why."""
        self.emit(SuiteConfigured(self.suite, settings))

    def skip_if_read_only(self) -> None:
        if self.options.read_only:
            raise CheckSkipped("read-only mode: this check changes data")

    def run_check(self, name: str, check: Callable[[], None]) -> Status:
        started = time.monotonic()
        failures: tuple[Failure, ...] = ()
        skip_reason: str | None = None
        try:
            check()
        except CheckSkipped as skipped:
            skip_reason = str(skipped)
        except Exception as error:  # the boundary of a check: whatever broke, report it and go on
            failures = tuple(self._failures_from(name, error))
        status = Status.SKIPPED if skip_reason else (Status.FAILED if failures else Status.PASSED)
        self.emit(CheckFinished(self.suite, name, status, time.monotonic() - started, failures, skip_reason))
        return status

    def report_crash(self, name: str, error: Exception) -> None:
        """A suite that could not finish: reported as a failed check, and the run goes on."""
        self.emit(
            CheckFinished(self.suite, name, Status.FAILED, 0.0, tuple(self._failures_from(name, error)))
        )

    def record(self, name: str, failures: tuple[Failure, ...], duration: float) -> None:
        """For suites that collect outcomes themselves (the conformance engine)."""
        status = Status.FAILED if failures else Status.PASSED
        self.emit(CheckFinished(self.suite, name, status, duration, failures))

    def _failures_from(self, name: str, error: BaseException) -> Iterator[Failure]:
        violations = list(_violations(error))
        if violations:
            seen: set[tuple[str, str]] = set()
            for violation in violations:
                if (violation.rule_id, violation.message) not in seen:
                    seen.add((violation.rule_id, violation.message))
                    yield Failure(violation.rule_id, violation.message, self.suite, name, violation.steps)
            return
        message = f"{type(error).__name__}: {error}"
        yield Failure("contracts.unexpected-error", message, self.suite, name, tuple(self.journal[-1:]))


def _violations(error: BaseException) -> Iterator[RuleViolation]:
    """RuleViolations, also from inside exception groups (hypothesis reports flaky failures that way)."""
    if isinstance(error, RuleViolation):
        yield error
    elif isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _violations(inner)
    elif error.__cause__ is not None:
        yield from _violations(error.__cause__)
