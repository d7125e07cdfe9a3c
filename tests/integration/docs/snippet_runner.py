"""Runs one docs snippet the way a reader would and reports the HTTP status it printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from minbil_docs.snippets import Snippet

SNIPPET_ENV_PREFIX = "MINBIL_"
CURL_STATUS = re.compile(r"^HTTP (\d{3})$", re.MULTILINE)


def snippet_env(base_url: str, **overrides: str) -> dict[str, str]:
    """The caller's environment without any MINBIL_* settings, plus the base URL of the mock."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SNIPPET_ENV_PREFIX)}
    return {**env, "MINBIL_API_BASE_URL": base_url, **overrides}


def run_snippet(
    snippet: Snippet, workdir: Path, env: dict[str, str], node_modules: Path | None = None
) -> subprocess.CompletedProcess[str]:
    if snippet.language == "curl":
        command = ["bash", "-c", snippet.code]
    elif snippet.language == "python":
        script = workdir / "snippet.py"
        script.write_text(snippet.code, encoding="utf-8")
        command = [sys.executable, str(script)]
    else:
        script = workdir / f"snippet-{snippet.language}.mjs"
        script.write_text(snippet.code, encoding="utf-8")
        if node_modules is not None and not (workdir / "node_modules").exists():
            (workdir / "node_modules").symlink_to(node_modules, target_is_directory=True)
        command = ["node", str(script)]
    return subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def reported_status(snippet: Snippet, stdout: str) -> int | None:
    """cURL snippets end with `HTTP <status>`; the others print the status on their first line."""
    if snippet.language == "curl":
        found = CURL_STATUS.findall(stdout)
        return int(found[-1]) if found else None
    first = stdout.splitlines()[0].strip() if stdout.strip() else ""
    return int(first) if first.isdigit() else None
