"""The contract suite's realtime check over a real socket: a clean mock passes it through the CLI,
one planted with a realtime fault fails it with the rule's id."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.running_mock import running_mock


def _contracts(base: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "contracts.cli",
        "run",
        "--base-url",
        base,
        "--token",
        "demo-kari",
        "--second-token",
        "demo-ola",
        "--mock-controls",
        "--suite",
        "realtime",
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    ("flags", "broken"),
    [((), None), (("--plant-fault", "realtime-joins-any-channel"), "realtime.other-users-channel-refused")],
)
def test_the_realtime_check_runs_over_the_network(flags: tuple[str, ...], broken: str | None) -> None:
    with running_mock(*flags, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as (base, _):
        result = _contracts(base)
    if broken is None:
        assert result.returncode == 0, result.stdout[-3000:]
        assert "3 passed, 0 failed, 0 skipped" in result.stdout
    else:
        assert result.returncode != 0
        assert f"[{broken}]" in result.stdout
