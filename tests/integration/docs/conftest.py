"""Fixtures for running the docs' snippets: the mock on a free port and Node with axios."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.docs.mock_runner import RunningMock

JS_DIR = Path(__file__).with_name("js")


@pytest.fixture(scope="session")
def mock() -> Iterator[RunningMock]:
    running = RunningMock().start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """js/node_modules with axios, installed once (a lock keeps parallel workers from racing)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run the JavaScript snippets")
    modules = JS_DIR / "node_modules"
    with (JS_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (modules / "axios" / "package.json").is_file():
            done = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund"],
                cwd=JS_DIR,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if done.returncode != 0:
                pytest.fail(f"npm install failed:\n{done.stderr}")
    return modules
