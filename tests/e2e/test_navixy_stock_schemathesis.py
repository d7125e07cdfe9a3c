"""A stock `schemathesis run --checks all` of the Navixy spec against the real mock: no failures.

The pack's schemathesis.toml sends the sandbox's session hash as the spec's `sessionHash` scheme and
lets a schema-valid request be refused with 400, as Navixy answers every refusal (201, 247, 234, 4).
`ignored_auth` is left out: it wants 401 or 403 without a hash, and Navixy documents code 3 with 400.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.e2e.running_mock import running_mock

REPO = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = REPO / "mock_server" / "packs" / "navixy" / "schemathesis.toml"


def test_stock_schemathesis_with_every_check_finds_no_failure_in_the_navixy_api() -> None:
    with running_mock("--seed", "3", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as (url, _):
        token = httpx.post(f"{url}/__mock/sandboxes", json={"scenario": "demo"}).json()["token"]
        sandbox = httpx.get(f"{url}/__mock/sandbox", headers={"Authorization": f"Bearer {token}"}).json()
        session = sandbox["credentials"]["navixy"]["hash"]
        command = [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{url}/v2/openapi.json"]
        command += [
            "--checks",
            "all",
            "--exclude-checks",
            "ignored_auth",
            "--max-examples",
            "5",
            "--seed",
            "2",
        ]
        run = subprocess.run(
            command,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "NAVIXY_HASH": session},
        )
        output = run.stdout + run.stderr
        assert run.returncode == 0, output[-6000:]
        assert "FAILURES" not in output and "Tested: 14" in output
        # The hash reached the queries: the GET list was served, not refused as an unknown session.
        listed = httpx.get(f"{url}/v2/vehicle/list", params={"hash": session}).json()
        assert listed["success"] is True
