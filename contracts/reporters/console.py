"""Progress while the run goes, then every failure with its reproduction. Writes to the given stream."""

from __future__ import annotations

from typing import TextIO

from ..events import (
    CheckFinished,
    Event,
    Progress,
    RunFinished,
    RunStarted,
    SuiteConfigured,
    SuiteFinished,
    SuiteStarted,
)
from ..exchange import Secrets
from ..failures import Failure, Status
from .counts import not_run_by_reason, totals, verdict
from .reproduction import describe, reproduction_steps

_MARK = {Status.PASSED: "ok  ", Status.FAILED: "FAIL", Status.SKIPPED: "skip"}


class ConsoleReporter:
    def __init__(self, stream: TextIO, secrets: Secrets | None = None, *, show_passed: bool = True) -> None:
        self._stream = stream
        self._secrets = secrets or Secrets()
        self._show_passed = show_passed
        self._failures: list[Failure] = []

    def _write(self, text: str = "") -> None:
        self._stream.write(text + "\n")
        self._stream.flush()

    def handle(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            mode = ", read-only" if event.read_only else ""
            self._write(f"MinBil contract run against {event.target}")
            self._write(
                f"  profile {event.profile}, seed {event.seed}{mode}; suites: {', '.join(event.suites)}"
            )
        elif isinstance(event, SuiteStarted):
            self._write(f"\n== {event.suite}: {event.description}")
        elif isinstance(event, SuiteConfigured):
            if self._show_passed:
                for setting in event.settings:
                    reason = self._secrets.redact(setting.reason)
                    self._write(f"   set  {setting.name}: {setting.value} — {reason}")
        elif isinstance(event, Progress):
            self._write(f"   .. {event.message}")
        elif isinstance(event, CheckFinished):
            self._check(event)
        elif isinstance(event, SuiteFinished):
            if event.skipped_reason:
                self._write(f"\n== {event.suite}: not run: {event.skipped_reason}")
            else:
                self._write(f"   {event.suite} done in {event.duration:.1f} s")
        elif isinstance(event, RunFinished):
            self._finish(event)

    def _check(self, event: CheckFinished) -> None:
        self._failures += event.failures
        if event.status is Status.PASSED and not self._show_passed:
            return
        line = f"   {_MARK[event.status]} {event.check} ({event.duration:.2f} s)"
        if event.status is Status.SKIPPED:
            line += f": {event.skip_reason}"
        elif event.failures:
            line += ": " + ", ".join(sorted({failure.rule_id for failure in event.failures}))
        self._write(line)

    def _finish(self, event: RunFinished) -> None:
        if self._failures:
            self._write(f"\n{len(self._failures)} failure(s)")
        for number, failure in enumerate(self._failures, start=1):
            self._write(f"\n{number}) {describe(failure)}")
            self._write(f"   in {failure.suite} / {failure.check}")
            for line in failure.message.splitlines() or [""]:
                self._write(f"   {self._secrets.redact(line)}")
            steps = reproduction_steps(failure, self._secrets)
            if steps:
                self._write("   Reproduce:")
                for line in steps:
                    self._write(f"   {line}")
        for reason, suites in not_run_by_reason(event).items():
            self._write(f"\nnot run: {', '.join(suites)}: {reason}")
        for note in event.notes:
            self._write(f"\nnote: {note}")
        self._write(
            f"\n{verdict(event)}: {totals(event)} in {event.duration:.1f} s (seed {event.seed}; "
            f"re-run with --seed {event.seed})"
        )
