"""The README's mock-control recipes, run as written against the real mock: each does what it says."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_cli_controls import running

README = Path(__file__).resolve().parents[2] / "README.md"


def _recipes() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Mock controls", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL))


def test_the_readme_recipes_run_and_reach_their_states() -> None:
    for tool in ("bash", "curl", "jq"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is needed to run the README recipes")
    with running() as base:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", _recipes().replace("http://localhost:5000", base)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    out = done.stdout.replace('": ', '":')  # compact JSON from the mock, indented JSON from jq alike
    assert "internal-error" not in out
    assert '"booking.completed"' in out and "Bilen er klar for henting." in out  # the booking's life
    assert '"rating.reminder"' in out  # time passed
    assert "vehicle-not-linked" in out and "invalid-prefer-header" not in out  # Prefer: code=404
    assert '"rule":"GET /api/co/vehicles: delay=uniform(100ms,300ms) error=0.1:503"' in out
    assert '"quota_status":422' in out and '"passed"' in out  # registry faults set; the journal read
