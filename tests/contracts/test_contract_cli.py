"""`minbil-contracts` end to end: a real mock on a real socket, the CLI against it, files written."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

import contracts.cli
from contracts.cli import EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PASSED, EXIT_USAGE, main
from tests.contracts.mock_targets import KARI, OLA, mock_target


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    target, _ = mock_target()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(target.app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/api/co/realtime/config", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def test_run_against_a_server_passes_and_writes_junit_and_markdown(
    mock_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit, markdown = tmp_path / "contracts.xml", tmp_path / "contracts.md"
    code = main(
        [
            "run",
            "--base-url",
            mock_url,
            "--token",
            KARI,
            "--second-token",
            OLA,
            "--profile",
            "quick",
            "--seed",
            "3",
            "--suite",
            "auth,isolation,semantics,registry",
            "--registry-url",
            mock_url,
            "--junit",
            str(junit),
            "--report",
            str(markdown),
        ]
    )
    output = capsys.readouterr().out
    assert code == EXIT_PASSED, output
    assert "PASSED" in output and "seed 3" in output
    assert ET.parse(junit).getroot().get("failures") == "0"
    assert markdown.read_text(encoding="utf-8").startswith("# MinBil contract report: PASSED")


def test_run_fails_with_a_reproduction_when_the_token_is_refused(
    mock_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "--base-url", mock_url, "--token", "no-such-token", "--suite", "auth", "--seed", "1"])
    output = capsys.readouterr().out
    assert code == EXIT_FAILED
    assert "[contracts.setup]" in output and "curl" in output


def test_run_without_a_token_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINBIL_ACCESS_TOKEN", raising=False)
    assert main(["run", "--base-url", "http://127.0.0.1:9"]) == EXIT_USAGE


def test_rules_command_lists_every_rule_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == EXIT_PASSED
    output = capsys.readouterr().out
    assert "semantics.primary-fallback" in output and "registry.no-nulls" in output


def test_rules_into_a_reader_that_stops_early_ends_quietly() -> None:
    # `minbil-contracts rules | head`: the reader is gone before the listing is written.
    child = subprocess.Popen(
        [sys.executable, "-m", "contracts.cli", "rules"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    with child.stderr:
        errors = child.stderr.read().decode()
    assert child.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert errors == ""


class _ClosedPipe:
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_is_an_exit_code_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["rules"]) == EXIT_BROKEN_PIPE


def test_a_base_url_without_a_scheme_is_refused_with_the_url_to_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "--base-url", "localhost:1234", "--token", KARI]) == EXIT_USAGE
    errors = capsys.readouterr().err
    assert errors.splitlines() == [
        "minbil-contracts: --base-url 'localhost:1234' has no scheme: did you mean http://localhost:1234?"
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(["--base-url", "ftp://localhost:1234"], id="not-http"),
        pytest.param(["--base-url", "http://localhost:99999"], id="port-out-of-range"),
        pytest.param(["--registry-url", "localhost:5000"], id="registry-url-without-scheme"),
        pytest.param(["--spec", "no-such-spec.yaml"], id="missing-spec"),
        pytest.param(["--spec", "README.md"], id="spec-not-openapi"),
        pytest.param(["--spec", "pyproject.toml"], id="spec-not-yaml"),
        pytest.param(["--junit", "/proc/no-such-folder/contracts.xml"], id="junit-folder-impossible"),
        pytest.param(["--report", "."], id="report-is-a-folder"),
        pytest.param(["--plates", "CV12345", "DN54321"], id="too-few-plates"),
        pytest.param(["--suite", "auth,nonsense"], id="unknown-suite"),
        pytest.param(["--suite", "registry"], id="registry-suite-without-registry"),
    ],
)
def test_a_user_error_is_one_line_and_a_usage_exit(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--base-url", "http://127.0.0.1:9", "--token", KARI]
    assert main(["run", *base, *arguments]) == EXIT_USAGE
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and errors[0].startswith("minbil-contracts: "), errors


def test_an_interrupted_run_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(contracts.cli, "run_suite", interrupted)
    assert main(["run", "--base-url", "http://127.0.0.1:9", "--token", KARI]) == EXIT_INTERRUPTED
    assert capsys.readouterr().err == "minbil-contracts: interrupted\n"


def test_after_a_failed_setup_the_reports_count_the_suites_not_run_and_print_no_stale_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit, markdown = tmp_path / "contracts.xml", tmp_path / "contracts.md"
    arguments = ["run", "--base-url", "http://127.0.0.1:9", "--token", KARI, "--profile", "quick"]
    code = main([*arguments, "--junit", str(junit), "--report", str(markdown)])
    output = capsys.readouterr().out
    assert code == EXIT_FAILED
    assert "note:" not in output  # nothing ran that a note could qualify
    assert "0 skipped; 7 suites not run" in output
    not_run = "auth, read-model, isolation, semantics, conformance, realtime"
    assert f"not run: {not_run}: the API could not be used" in output
    assert "not run: registry: no registry given" in output
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("8", "1", "7")
    report = markdown.read_text(encoding="utf-8")
    assert "7 suites not run" in report and "| registry | – | – | not run: no registry given" in report
    assert "expires_at" not in report
