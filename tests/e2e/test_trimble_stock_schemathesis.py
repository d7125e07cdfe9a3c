"""A stock `schemathesis run --checks all` of the Trimble pack's spec against the real mock: no failures."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.running_mock import running_mock

REPO = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with running_mock("--seed", "3", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as (url, _):
        yield url


def test_stock_schemathesis_with_every_check_finds_no_failure_in_the_trimble_api(mock_url: str) -> None:
    token = httpx.post(f"{mock_url}/__mock/sandboxes", json={}).json()["credentials"]["trimble"]["token"]
    spec_url = f"{mock_url}/api/assets/v1/openapi.json"
    command = [str(SCHEMATHESIS), "run", spec_url, "--checks", "all", "--url", f"{mock_url}/api/assets/v1"]
    command += ["--max-examples", "25", "--seed", "1", "-H", f"Authorization: bearer {token}"]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "FAILURES" not in output and "Schema-valid request rejected" not in output
    assert "Tested: 4" in output
