"""The contract suite passes against the clean mock and catches every planted fault by its rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts import SUITE_NAMES, Report, Status
from contracts.reporters import MarkdownReporter
from contracts.suites.conformance_config import CHECK_NOTES, CHECK_RULES, SEMANTIC_400_OPERATIONS
from tests.contracts.mock_targets import (
    FAULTS,
    GROUPED,
    PlantedFault,
    mock_supports_faults,
    mock_target,
    quick_options,
    run_in_process,
)


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_clean_mock_passes_every_suite(suite: str) -> None:
    target, clock = mock_target()
    report = run_in_process(target, quick_options((suite,), clock))
    assert report.ok, report.explain()
    assert report.count(Status.PASSED) > 0


def test_read_only_mode_sends_nothing_that_changes_data_and_still_passes(tmp_path: Path) -> None:
    target, clock = mock_target()
    suites = ("auth", "read-model", "isolation", "semantics", "conformance")
    markdown = tmp_path / "contracts.md"
    report = run_in_process(
        target, quick_options(suites, clock, read_only=True), [MarkdownReporter(markdown)]
    )
    assert report.ok, report.explain()
    _expect_configuration_reported(report, markdown.read_text(encoding="utf-8"))
    skipped = {check.check for check in report.checks if check.status is Status.SKIPPED}
    assert "semantics" in skipped
    conformance = [check.check for check in report.checks if check.suite == "conformance"]
    assert conformance and not [
        name for name in conformance if any(m in name for m in (" POST ", " PUT ", " DELETE "))
    ]


def _expect_configuration_reported(report: Report, markdown: str) -> None:
    """The run says which schemathesis checks it configured and why, in the report and its Markdown."""
    settings = {setting.name: setting for setting in report.configuration["conformance"]}
    for check, rule in CHECK_RULES.items():
        assert settings[f"check {check}"].value == f"on ({rule})"
    for operation, reason in SEMANTIC_400_OPERATIONS.items():
        assert settings[f"{operation}: positive_data_acceptance"].reason == f"documented 400: {reason}"
    assert settings["downloadServiceLogExport: query.token"].value == "a fresh export token"
    assert "read-only" in settings and "dismissal filter: ensure_resource_availability" in settings
    assert settings["dismissed in this run: ensure_resource_availability"].value.endswith("failure(s)")
    assert "dismissal filter: negative_data_rejection" in settings
    assert "## How conformance was configured" in markdown
    row = "| check object_level_authorization | on (conformance.object-level-authorization) | "
    assert row + CHECK_NOTES["object_level_authorization"] + " |" in markdown
    assert set(report.configuration) == {"conformance"}, "only the conformance suite has settings to tell"


def _fault_param(fault: PlantedFault) -> object:
    marks = []
    if not mock_supports_faults():
        marks.append(pytest.mark.xfail(strict=False, reason="fault switch not yet in mock"))
    return pytest.param(fault, id=fault.name, marks=marks)


BY_NAME = {fault.name: fault for fault in FAULTS}
IN_GROUPS = {name for group in GROUPED for name in group}


@pytest.mark.parametrize("fault", [_fault_param(fault) for fault in FAULTS if fault.name not in IN_GROUPS])
def test_planted_fault_is_caught_by_its_rule(fault: PlantedFault) -> None:
    _expect_caught((fault,))


@pytest.mark.parametrize("group", [pytest.param(group, id="+".join(group)[:60]) for group in GROUPED])
def test_planted_faults_switched_on_together_are_each_caught_by_their_own_rule(
    group: tuple[str, ...],
) -> None:
    _expect_caught(tuple(BY_NAME[name] for name in group))


def test_grouped_faults_share_a_suite_and_break_distinct_rules() -> None:
    for group in GROUPED:
        faults = [BY_NAME[name] for name in group]
        assert len({fault.suite for fault in faults}) == 1
        assert len({fault.rule_id for fault in faults}) == len(faults)
    assert sum(len(group) for group in GROUPED) == len(IN_GROUPS)


def _expect_caught(faults: tuple[PlantedFault, ...]) -> None:
    suite = faults[0].suite
    target, clock = mock_target(frozenset(fault.name for fault in faults))
    report = run_in_process(target, quick_options((suite,), clock))
    names = ", ".join(fault.name for fault in faults)
    assert not report.ok, f"{names} went unnoticed by the {suite} suite"
    found = sorted(report.failed_rule_ids)
    for fault in faults:
        assert fault.rule_id in found, (
            f"{fault.name} was reported as {found}, not {fault.rule_id}\n{report.explain()}"
        )
        broken = [failure for failure in report.failures if failure.rule_id == fault.rule_id]
        assert all(failure.steps or failure.curl_lines for failure in broken), (
            "every failure carries a reproduction"
        )


def test_every_planted_fault_names_a_known_rule_and_a_real_suite() -> None:
    from contracts import RULES

    for fault in FAULTS:
        assert fault.rule_id in RULES
        assert fault.suite in SUITE_NAMES
    assert len({fault.name for fault in FAULTS}) == len(FAULTS) >= 12
