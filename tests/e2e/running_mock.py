"""The real `minbil-mock` started on a free loopback port, for the end-to-end tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_mock(*flags: str, **popen: Any) -> Iterator[tuple[str, subprocess.Popen]]:
    """(base URL, process) of a mock answering on its port; stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "mock_server.cli", "--port", str(port), *flags]
    process = subprocess.Popen(command, **popen)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("the mock did not start within 30 s")
    try:
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
