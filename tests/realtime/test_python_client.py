"""The PyPI `realtime` client (2.34) speaks to the mock too: it subscribes and receives a workshop
event within a second.

That package pins websockets below 16 and the project needs 17 or newer, so it lives in its own
interpreter: set MINBIL_REALTIME_PYTHON to a Python that has `realtime` and `httpx` installed
(`python -m venv /tmp/rt && /tmp/rt/bin/pip install realtime==2.34.1 httpx`)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.running_mock import running_mock

CHECK = Path(__file__).resolve().parent / "python_client_check.py"


def test_the_python_realtime_client_receives_a_workshop_event() -> None:
    python = os.environ.get("MINBIL_REALTIME_PYTHON")
    if not python:
        pytest.skip("set MINBIL_REALTIME_PYTHON to a Python with the `realtime` package (see the docstring)")
    with running_mock(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as (base, _):
        result = subprocess.run(
            [python, str(CHECK), base], capture_output=True, text=True, timeout=60, check=False
        )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["states"] == ["RealtimeSubscribeStates.SUBSCRIBED"]
    assert outcome["got"] == [["booking.requested", outcome["booking"]]]
