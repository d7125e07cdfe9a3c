"""`minbil-contracts` end to end: a real mock on a real socket, the CLI against it, files written."""

from __future__ import annotations

import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from contracts.cli import EXIT_FAILED, EXIT_PASSED, EXIT_USAGE, main
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
