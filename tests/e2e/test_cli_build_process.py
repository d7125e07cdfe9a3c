"""The real `minbil-mock` builds scenarios in a build process of its own, which ends with it:
stopped (SIGTERM) or killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from .running_mock import running_mock

PROC = Path("/proc")
pytestmark = pytest.mark.skipif(not PROC.is_dir(), reason="finding child processes reads /proc (Linux)")


def _build_processes(pid: int) -> list[int]:
    children = []
    for task in (PROC / str(pid) / "task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return [child for child in children if b"spawn_main" in (PROC / str(child) / "cmdline").read_bytes()]


def _gone(pid: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        status = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        if status == "Z":  # ended, waiting for whoever adopted it to reap it
            return True
        time.sleep(0.1)
    return False


def _started_build_process(base: str, process: subprocess.Popen) -> int:
    made = httpx.post(f"{base}/__mock/sandboxes", json={"scenario": "one-car"}, timeout=60)
    assert made.status_code == 201, made.text
    builders = _build_processes(process.pid)
    assert len(builders) == 1, "one build process"
    return builders[0]


def test_the_build_process_ends_when_the_mock_is_stopped() -> None:
    with running_mock(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as (base, process):
        builder = _started_build_process(base, process)
    assert process.returncode is not None
    assert _gone(builder, within_s=10)


def test_the_build_process_ends_when_the_mock_is_killed() -> None:
    with running_mock(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as (base, process):
        builder = _started_build_process(base, process)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert _gone(builder, within_s=10)


def test_without_a_build_process_scenarios_are_built_in_the_mock() -> None:
    flags = ("--no-build-process",)
    with running_mock(*flags, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as (base, process):
        made = httpx.post(f"{base}/__mock/sandboxes", json={"scenario": "one-car"}, timeout=60)
        assert made.status_code == 201, made.text
        assert _build_processes(process.pid) == []
