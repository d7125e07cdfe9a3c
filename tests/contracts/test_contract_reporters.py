"""The reporters turn run events into a console account, JUnit XML and Markdown, never leaking tokens."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from contracts.events import (
    CheckFinished,
    RunFinished,
    RunStarted,
    Setting,
    SkippedSuite,
    SuiteConfigured,
    SuiteFinished,
    SuiteStarted,
)
from contracts.exchange import Exchange, Secrets
from contracts.failures import Failure, Status
from contracts.reporters import ConsoleReporter, JUnitReporter, MarkdownReporter

TOKEN = "secret-token-of-kari"
SECRETS = Secrets({TOKEN: "MINBIL_ACCESS_TOKEN"})
BROKEN_LINK = Exchange(
    method="POST",
    url="http://localhost:5000/api/co/vehicles",
    request_headers=(("Authorization", f"Bearer {TOKEN}"), ("Content-Type", "application/json")),
    request_body=b'{"registration_number": "CV12345"}',
    status=201,
    response_body=b'{"data": {"registration_number": "CV12345"}}',
)
FAILURE = Failure(
    rule_id="semantics.link-idempotent",
    message="linking CV12345 again answered 201, not 200",
    suite="semantics",
    check="vehicles: walkthrough of every rule",
    steps=(BROKEN_LINK, BROKEN_LINK),
)
EVENTS = (
    RunStarted("http://localhost:5000", ("semantics",), "quick", 7, False),
    SuiteStarted("semantics", "state machines"),
    CheckFinished("semantics", "vehicles: walkthrough of every rule", Status.FAILED, 0.5, (FAILURE,)),
    CheckFinished("semantics", "preferences: walkthrough of every rule", Status.PASSED, 0.1),
    CheckFinished("semantics", "restore", Status.SKIPPED, 0.0, skip_reason="read-only mode"),
    SuiteFinished("semantics", 0.6),
    RunFinished(duration=0.7, seed=7, failed_checks=1, passed_checks=1, skipped_checks=1),
)


def test_console_shows_the_broken_rule_with_a_curl_line_and_the_seed() -> None:
    stream = io.StringIO()
    reporter = ConsoleReporter(stream, SECRETS)
    for event in EVENTS:
        reporter.handle(event)
    text = stream.getvalue()
    assert "[semantics.link-idempotent]" in text
    assert "curl -sS -X POST" in text
    assert '"Authorization: Bearer $MINBIL_ACCESS_TOKEN"' in text
    assert "re-run with --seed 7" in text
    assert TOKEN not in text


def test_junit_has_a_testcase_per_check_and_the_rule_id_as_failure_type(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "contracts.xml"
    reporter = JUnitReporter(path, SECRETS)
    for event in EVENTS:
        reporter.handle(event)
    root = ET.parse(path).getroot()
    assert root.get("tests") == "3" and root.get("failures") == "1" and root.get("skipped") == "1"
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None and failure.get("type") == "semantics.link-idempotent"
    assert "curl" in (failure.text or "")
    assert TOKEN not in path.read_text(encoding="utf-8")


def test_markdown_report_lists_failures_with_reproduction(tmp_path: Path) -> None:
    path = tmp_path / "contracts.md"
    reporter = MarkdownReporter(path, SECRETS)
    for event in EVENTS:
        reporter.handle(event)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# MinBil contract report: FAILED")
    assert "| semantics | 1 | 1 | 1 | `semantics.link-idempotent` |" in text
    assert "```sh" in text and "$MINBIL_ACCESS_TOKEN" in text
    assert TOKEN not in text


def test_curl_line_repeats_method_body_and_url_and_names_the_token_variable() -> None:
    curl = BROKEN_LINK.curl(SECRETS)
    assert curl.startswith("curl -sS -X POST")
    assert '--data-binary \'{"registration_number":"CV12345"}\'' in curl
    assert curl.endswith("http://localhost:5000/api/co/vehicles")
    assert '"Authorization: Bearer $MINBIL_ACCESS_TOKEN"' in curl


NOT_RUN = (
    RunStarted("http://localhost:5000", ("auth", "registry"), "quick", 7, False),
    CheckFinished("auth", "no token", Status.PASSED, 0.1),
    SuiteFinished("auth", 0.1),
    SuiteFinished("registry", 0.0, skipped_reason="no registry given"),
    RunFinished(
        duration=0.2,
        seed=7,
        failed_checks=0,
        passed_checks=1,
        skipped_checks=0,
        skipped_suites=(SkippedSuite("registry", "no registry given"),),
    ),
)


def test_every_report_counts_and_names_a_suite_that_did_not_run(tmp_path: Path) -> None:
    stream = io.StringIO()
    junit, markdown = tmp_path / "contracts.xml", tmp_path / "contracts.md"
    reporters = [ConsoleReporter(stream), JUnitReporter(junit), MarkdownReporter(markdown)]
    for event in NOT_RUN:
        for reporter in reporters:
            reporter.handle(event)
    console = stream.getvalue()
    assert "not run: registry: no registry given" in console
    assert "PASSED: 1 passed, 0 failed, 0 skipped; 1 suite not run in" in console
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("skipped")) == ("2", "1")
    skipped = root.find("./testsuite[@name='registry']/testcase/skipped")
    assert skipped is not None and skipped.get("message") == "no registry given"
    text = markdown.read_text(encoding="utf-8")
    assert "- Checks: 1 passed, 0 failed, 0 skipped; 1 suite not run in" in text
    assert "| registry | – | – | not run: no registry given | |" in text


CONFIGURED = (
    RunStarted("http://localhost:5000", ("conformance",), "quick", 7, False),
    SuiteStarted("conformance", "schemathesis"),
    SuiteConfigured(
        "conformance",
        (
            Setting("check not_a_server_error", "on (conformance.server-error)", "every check applies"),
            Setting(
                "listServiceLogs: positive_data_acceptance", "accepts 2xx, 400", "documented 400 | mod-11"
            ),
            Setting("downloadServiceLogExport: query.token", "a fresh export token", f"minted with {TOKEN}"),
        ),
    ),
    CheckFinished("conformance", "examples: GET /api/co/vehicles", Status.PASSED, 0.1),
    SuiteConfigured("conformance", (Setting("dismissed in this run", "0 failure(s)", "none"),)),
    SuiteFinished("conformance", 0.2),
    RunFinished(duration=0.3, seed=7, failed_checks=0, passed_checks=1, skipped_checks=0),
)


def test_every_report_says_how_a_suite_was_configured_and_why(tmp_path: Path) -> None:
    stream = io.StringIO()
    junit, markdown = tmp_path / "contracts.xml", tmp_path / "contracts.md"
    reporters = [
        ConsoleReporter(stream, SECRETS),
        JUnitReporter(junit, SECRETS),
        MarkdownReporter(markdown, SECRETS),
    ]
    for event in CONFIGURED:
        for reporter in reporters:
            reporter.handle(event)
    console = stream.getvalue()
    assert "set  check not_a_server_error: on (conformance.server-error) — every check applies" in console
    assert "set  dismissed in this run: 0 failure(s) — none" in console
    properties = {
        prop.get("name"): prop.get("value")
        for prop in ET.parse(junit).getroot().findall("./testsuite[@name='conformance']/properties/property")
    }
    assert (
        properties["listServiceLogs: positive_data_acceptance"]
        == "accepts 2xx, 400 — documented 400 | mod-11"
    )
    assert properties["dismissed in this run"] == "0 failure(s) — none"
    text = markdown.read_text(encoding="utf-8")
    assert "## How conformance was configured" in text
    assert (
        "| listServiceLogs: positive_data_acceptance | accepts 2xx, 400 | documented 400 \\| mod-11 |" in text
    )
    assert "| dismissed in this run | 0 failure(s) | none |" in text
    for written in (console, junit.read_text(encoding="utf-8"), text):
        assert TOKEN not in written


def test_a_quiet_console_leaves_the_configuration_to_the_files() -> None:
    stream = io.StringIO()
    reporter = ConsoleReporter(stream, SECRETS, show_passed=False)
    for event in CONFIGURED:
        reporter.handle(event)
    assert "set  " not in stream.getvalue()
    assert "PASSED" in stream.getvalue()
