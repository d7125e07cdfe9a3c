"""Report: everything a run found, collected from its events. What run_suite returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from .events import CheckFinished, Event, RunFinished, RunStarted, Setting, SuiteConfigured, SuiteFinished
from .failures import Failure, Status


@dataclass
class Report:
    started: RunStarted | None = None
    finished: RunFinished | None = None
    checks: list[CheckFinished] = field(default_factory=list)
    # Suites that did not run at all, with the reason.
    skipped_suites: dict[str, str] = field(default_factory=dict)
    # How each suite that says so was set up, and why (the conformance suite's schemathesis checks).
    configuration: dict[str, list[Setting]] = field(default_factory=dict)

    def handle(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.started = event
        elif isinstance(event, CheckFinished):
            self.checks.append(event)
        elif isinstance(event, SuiteConfigured):
            self.configuration.setdefault(event.suite, []).extend(event.settings)
        elif isinstance(event, SuiteFinished) and event.skipped_reason:
            self.skipped_suites[event.suite] = event.skipped_reason
        elif isinstance(event, RunFinished):
            self.finished = event

    @property
    def failures(self) -> list[Failure]:
        return [failure for check in self.checks for failure in check.failures]

    @property
    def failed_rule_ids(self) -> set[str]:
        return {failure.rule_id for failure in self.failures}

    @property
    def ok(self) -> bool:
        return not any(check.status is Status.FAILED for check in self.checks)

    def count(self, status: Status) -> int:
        return sum(1 for check in self.checks if check.status is status)

    def explain(self) -> str:
        """A plain-text account of the failures, for assertion messages."""
        if self.ok:
            return "all checks passed"
        lines = []
        for failure in self.failures:
            lines.append(f"[{failure.rule_id}] {failure.suite} / {failure.check}: {failure.message}")
            lines += [f"    {step.summary()}" for step in failure.steps[-3:]]
        return "\n".join(lines)

    def raise_for_failures(self) -> None:
        """For pytest: fail the calling test with every broken rule listed."""
        if not self.ok:
            raise AssertionError(self.explain())
