"""A Markdown report: the verdict, a table per suite, then each failure with its reproduction."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..events import CheckFinished, Event, RunFinished, RunStarted, Setting, SuiteConfigured
from ..exchange import Secrets
from ..failures import Status
from .counts import totals, verdict
from .reproduction import reproduction_steps


class MarkdownReporter:
    def __init__(self, path: Path, secrets: Secrets | None = None) -> None:
        self._path = path
        self._secrets = secrets or Secrets()
        self._started: RunStarted | None = None
        self._checks: dict[str, list[CheckFinished]] = defaultdict(list)
        self._configuration: dict[str, list[Setting]] = defaultdict(list)

    def handle(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._started = event
        elif isinstance(event, SuiteConfigured):
            self._configuration[event.suite] += event.settings
        elif isinstance(event, CheckFinished):
            self._checks[event.suite].append(event)
        elif isinstance(event, RunFinished):
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._path.write_text(self.render(event), encoding="utf-8")

    def render(self, finished: RunFinished) -> str:
        lines = [f"# MinBil contract report: {verdict(finished)}", ""]
        if self._started is not None:
            started = self._started
            lines += [
                f"- Target: `{self._secrets.redact(started.target)}`",
                f"- Profile: `{started.profile}`, seed `{started.seed}`"
                + (", read-only" if started.read_only else ""),
                f"- Suites: {', '.join(started.suites)}",
            ]
        lines += [
            f"- Checks: {totals(finished)} in {finished.duration:.1f} s",
            "",
            "| suite | passed | failed | skipped | rules broken |",
            "|---|---|---|---|---|",
        ]
        for suite, checks in self._checks.items():
            broken = sorted({failure.rule_id for check in checks for failure in check.failures})
            lines.append(
                f"| {suite} | {_count(checks, Status.PASSED)} | {_count(checks, Status.FAILED)} | "
                f"{_count(checks, Status.SKIPPED)} | {', '.join(f'`{rule}`' for rule in broken)} |"
            )
        for skipped in finished.skipped_suites:
            lines.append(f"| {skipped.suite} | – | – | not run: {skipped.reason} | |")
        lines += self._configured()
        failures = [
            failure for checks in self._checks.values() for check in checks for failure in check.failures
        ]
        if failures:
            lines += ["", "## Failures"]
        for number, failure in enumerate(failures, start=1):
            lines += [
                "",
                f"### {number}. `{failure.rule_id}`: {failure.rule_summary}",
                "",
                f"Check: {failure.suite} / {failure.check}",
                "",
                "```text",
                self._secrets.redact(failure.message),
                "```",
            ]
            steps = reproduction_steps(failure, self._secrets)
            if steps:
                lines += ["", "Reproduce:", "", "```sh", *steps, "```"]
        for note in finished.notes:
            lines += ["", f"> {note}"]
        return "\n".join(lines) + "\n"

    def _configured(self) -> list[str]:
        """How the suites that say so were set up: each setting, its value and why."""
        lines: list[str] = []
        for suite, settings in self._configuration.items():
            lines += ["", f"## How {suite} was configured", "", "| setting | value | why |", "|---|---|---|"]
            for setting in settings:
                cells = (setting.name, setting.value, self._secrets.redact(setting.reason))
                lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
        return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _count(checks: list[CheckFinished], status: Status) -> int:
    return sum(1 for check in checks if check.status is status)
