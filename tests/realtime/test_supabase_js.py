"""The real `@supabase/supabase-js` (pinned in node/package.json) against a running mock, in Node.

node/realtime.test.mjs holds the checks, under both serializers: every workshop event and every
change of the owner's own arrives live within a second with its documented payload, another user
receives nothing, wrong keys and tokens are refused with the real server's words, heartbeats keep
an idle socket past the idle timeout, broadcast self/ack, presence and the REST endpoint work.
The client is installed with `npm ci` on first use; without node and npm the test is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.running_mock import running_mock

NODE_DIR = Path(__file__).resolve().parent / "node"
IDLE_TIMEOUT_S = 2


def _installed_client() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run supabase-js (Node 20 or newer)")
    if (NODE_DIR / "node_modules" / "@supabase" / "supabase-js" / "package.json").exists():
        return
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"npm ci could not install supabase-js: {result.stderr.strip()[-800:]}")


def _node_flags() -> list[str]:
    """Node 20 has its WebSocket behind a flag; 22 and later have it on (and ignore the flag)."""
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout
    major = int(version.strip().lstrip("v").split(".")[0])
    return ["--experimental-websocket"] if major < 22 else []


def test_supabase_js_receives_every_event_live_under_both_serializers() -> None:
    _installed_client()
    flags = ("--realtime-idle-timeout", str(IDLE_TIMEOUT_S), "--no-demo")
    with running_mock(*flags, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as (base, _):
        result = subprocess.run(
            ["node", *_node_flags(), "--test", "--test-reporter=tap", "realtime.test.mjs"],
            cwd=NODE_DIR,
            env={**os.environ, "MOCK_URL": base, "IDLE_TIMEOUT_S": str(IDLE_TIMEOUT_S)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "# pass 10" in result.stdout and "# fail 0" in result.stdout
