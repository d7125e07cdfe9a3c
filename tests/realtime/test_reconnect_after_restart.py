"""After a restart with --state, supabase-js reconnects and rejoins by itself and gets events again."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.running_mock import free_port
from tests.realtime.test_supabase_js import NODE_DIR, _installed_client, _node_flags


def _start(port: int, state: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "mock_server.cli",
        "--port",
        str(port),
        "--state",
        str(state),
        "--no-demo",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/__mock/scenarios", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("the mock did not start within 30 s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


def _lines(process: subprocess.Popen) -> queue.Queue[dict[str, Any]]:
    lines: queue.Queue[dict[str, Any]] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("{"):
                lines.put(json.loads(line))

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[dict[str, Any]], wanted: dict[str, Any], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if all(line.get(k) == v for k, v in wanted.items()):
            return
    pytest.fail(f"no {wanted} within {seconds} s; saw {seen}")


def _book(base: str, token: str, plate: str) -> str:
    answer = httpx.post(
        f"{base}/__mock/sandbox/workshop-events",
        headers={"Authorization": f"Bearer {token}"},
        json={"type": "booking.requested", "registration_number": plate},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["booking"]["id"]


def test_supabase_js_rejoins_after_a_restart_with_state_and_gets_events_again(tmp_path: Path) -> None:
    _installed_client()
    port, state = free_port(), tmp_path / "world.sqlite"
    base = f"http://127.0.0.1:{port}"
    mock = _start(port, state)
    follower = None
    try:
        made = httpx.post(f"{base}/__mock/sandboxes", json={"scenario": "one-car"}).json()
        token = made["token"]
        plate = httpx.get(f"{base}/api/co/vehicles", headers={"Authorization": f"Bearer {token}"}).json()
        plate = plate["data"][0]["registration_number"]
        follower = subprocess.Popen(
            ["node", *_node_flags(), "follow.mjs"],
            cwd=NODE_DIR,
            env={**os.environ, "MOCK_URL": base, "MINBIL_TOKEN": token},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        lines = _lines(follower)
        _wait_for(lines, {"status": "SUBSCRIBED"}, 15)
        _wait_for(lines, {"event": "booking.requested", "id": _book(base, token, plate)}, 1)
        _stop(mock)
        mock = _start(port, state)
        _wait_for(lines, {"status": "SUBSCRIBED"}, 15)  # the client's own retry rejoined
        _wait_for(lines, {"event": "booking.requested", "id": _book(base, token, plate)}, 1)
    finally:
        if follower is not None:
            follower.kill()
            follower.wait(timeout=10)
            if follower.stdout is not None:
                follower.stdout.close()
        _stop(mock)
