"""The mock controls through the real `minbil-mock` command: a real restart, a real dropped connection."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

KARI = {"Authorization": "Bearer demo-kari"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(*flags: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server.cli", "--port", str(port), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                httpx.get(f"{base}/__mock/scenarios", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the mock did not start within 30 s")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_restart_with_state_keeps_what_was_acknowledged(tmp_path: Path) -> None:
    state = str(tmp_path / "world.sqlite")
    with running("--state", state) as base:
        token = httpx.post(f"{base}/__mock/sandboxes", json={"scenario": "one-car"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert (
            httpx.put(f"{base}/api/co/vehicles/EL23456", headers=auth, json={"nickname": "Lynet"}).status_code
            == 200
        )
        assert (
            httpx.delete(f"{base}/api/co/vehicles", headers=KARI, params={"reg": "KH60518"}).status_code
            == 200
        )
    with running("--state", state) as base:
        mine = httpx.get(f"{base}/api/co/vehicles", headers=auth).json()["data"]
        karis = httpx.get(f"{base}/api/co/vehicles", headers=KARI).json()["data"]
    assert [v["nickname"] for v in mine] == ["Lynet"]
    assert {v["registration_number"] for v in karis} == {"BT57225", "EL42817"}


def test_a_drop_rule_from_the_command_line_breaks_the_connection() -> None:
    with running("--fault", "GET /api/co/realtime/config: drop=1", "--scenario", "registry-down") as base:
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{base}/api/co/realtime/config", headers=KARI)
        linked = httpx.post(f"{base}/api/co/vehicles", headers=KARI, json={"registration_number": "CV12345"})
    assert linked.status_code == 503 and linked.headers["retry-after"] == "120"


def test_an_unreadable_fault_flag_stops_the_start_with_a_reason() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mock_server.cli", "--fault", "GET /x: timeout=1s"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "unknown effect 'timeout'" in done.stderr
