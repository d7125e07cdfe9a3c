"""The one wording of a run's totals, so the console and the Markdown report agree."""

from __future__ import annotations

from ..events import RunFinished


def totals(finished: RunFinished) -> str:
    """'3 passed, 1 failed, 2 skipped' plus how many suites did not run at all."""
    line = (
        f"{finished.passed_checks} passed, {finished.failed_checks} failed, {finished.skipped_checks} skipped"
    )
    suites = len(finished.skipped_suites)
    if suites:
        line += f"; {suites} suite{'s' if suites > 1 else ''} not run"
    return line


def not_run_by_reason(finished: RunFinished) -> dict[str, list[str]]:
    """The suites that did not run, grouped by why (a failed setup stops several at once)."""
    grouped: dict[str, list[str]] = {}
    for suite in finished.skipped_suites:
        grouped.setdefault(suite.reason, []).append(suite.suite)
    return grouped


def verdict(finished: RunFinished) -> str:
    return "FAILED" if finished.failed_checks else "PASSED"
