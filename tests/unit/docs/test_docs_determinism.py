"""Same specs, same bytes: no clocks, no randomness, no ordering that depends on the process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from minbil_docs.site import render_site
from tests.unit.docs.docs_helpers import project_paths, project_site

PROJECT = Path(__file__).resolve().parents[3]


def test_rendering_twice_gives_identical_bytes() -> None:
    paths = project_paths()
    assert render_site(paths.carowner, paths.registry, paths.control, paths.packs) == project_site()


def test_cli_builds_the_same_bytes_in_fresh_processes(tmp_path: Path) -> None:
    runs = []
    for hash_seed in ("1", "2"):  # both at once: two processes, different str hashing
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        command = [sys.executable, "-m", "minbil_docs.cli", "build", "--out", str(out)]
        process = subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        runs.append((out, process))
    outputs = []
    for out, process in runs:
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr.decode()
        assert b"index.html" in stdout
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1] == project_site()


def test_pages_carry_no_timestamps_of_the_build() -> None:
    for name, content in project_site().items():
        text = content.decode("utf-8")
        assert not re.search(r"(generated|built|updated) (on|at) \d{4}", text, re.IGNORECASE), name
