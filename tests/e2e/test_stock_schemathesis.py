"""A stock `schemathesis run --checks all` from the repository root against the real mock: no failures.

The repo's schemathesis.toml tells stock schemathesis which operations may answer a schema-valid
request with a documented 400; without it this run reports "Schema-valid request rejected".
"""

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


def test_stock_schemathesis_with_every_check_finds_no_failure_in_the_mock(mock_url: str) -> None:
    token = httpx.post(f"{mock_url}/__mock/sandboxes", json={"scenario": "demo"}).json()["token"]
    command = [str(SCHEMATHESIS), "run", f"{mock_url}/openapi.json", "--checks", "all"]
    # Bounded so the test takes tens of seconds; the seed keeps the run the same every time.
    command += ["--max-examples", "3", "--seed", "1", "-H", f"Authorization: Bearer {token}"]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    output = run.stdout + run.stderr
    assert f"Configuration:    {REPO / 'schemathesis.toml'}" in output
    assert run.returncode == 0, output[-6000:]
    assert "FAILURES" not in output and "Schema-valid request rejected" not in output
