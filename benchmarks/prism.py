"""Prism, the peer: a local npm install pinned by package.json, run at its fastest setting (-v silent)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRISM_BIN = HERE / "node_modules" / ".bin" / "prism"


class PrismUnavailable(RuntimeError):
    """Node/npm are missing or the install failed."""


def pinned_version() -> str:
    return str(json.loads((HERE / "package.json").read_text())["dependencies"]["@stoplight/prism-cli"])


def installed_version() -> str | None:
    manifest = HERE / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    if not manifest.exists():
        return None
    return str(json.loads(manifest.read_text())["version"])


def install_command() -> list[str]:
    """`npm ci` follows the lock file exactly; without one, `npm install` honours the pinned version."""
    verb = "ci" if (HERE / "package-lock.json").exists() else "install"
    return ["npm", verb, "--no-audit", "--no-fund", "--loglevel=error"]


def ensure_installed() -> str:
    """Install Prism under benchmarks/ on first run; return its version."""
    if installed_version() == pinned_version() and PRISM_BIN.exists():
        return pinned_version()
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise PrismUnavailable("node and npm are needed to install Prism (Node 18 or newer)")
    result = subprocess.run(install_command(), cwd=HERE, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not PRISM_BIN.exists():
        raise PrismUnavailable(f"npm could not install Prism: {result.stderr.strip()[-500:]}")
    return installed_version() or pinned_version()


def mock_argv(spec: Path, port: int) -> list[str]:
    # -v silent: Prism's fastest setting; its default logging roughly halves its throughput.
    return [str(PRISM_BIN), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "silent", str(spec)]
