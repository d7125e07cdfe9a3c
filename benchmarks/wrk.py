"""Drive a URL with wrk and read its report."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .measurement import Measurement
from .scenarios import Scenario

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


class WrkOutputError(ValueError):
    """wrk printed something that is not a report (it could not connect, or crashed)."""


def available() -> bool:
    return shutil.which("wrk") is not None


def parse(output: str) -> Measurement:
    """Requests/s, p50 and p99 (ms) from `wrk --latency` output."""
    rate = _RATE.search(output)
    percentiles = {float(p): float(v) * _UNIT_MS[unit] for p, v, unit in _PERCENTILE.findall(output)}
    if rate is None or 50.0 not in percentiles or 99.0 not in percentiles:
        raise WrkOutputError(f"not a wrk --latency report: {output.strip()[:200]!r}")
    total = _TOTAL.search(output)
    non_2xx = _NON_2XX.search(output)
    socket = _SOCKET.search(output)
    return Measurement(
        requests_per_s=float(rate.group(1)),
        p50_ms=percentiles[50.0],
        p99_ms=percentiles[99.0],
        requests=int(total.group(1)) if total else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
    )


def lua_script(scenario: Scenario) -> str | None:
    """wrk sends GETs by itself; other methods and bodies need a script."""
    if scenario.is_get and scenario.body is None:
        return None
    lines = [f'wrk.method = "{scenario.method}"']
    if scenario.body is not None:
        lines.append(f"wrk.body = {_lua_string(scenario.body.decode())}")
    return "\n".join(lines) + "\n"


def command(
    scenario: Scenario, url: str, *, seconds: float, connections: int, script: Path | None, cpu: str | None
) -> list[str]:
    pinned = ["taskset", "-c", cpu] if cpu is not None else []
    headers = [arg for name, value in scenario.all_headers() for arg in ("-H", f"{name}: {value}")]
    scripted = ["-s", str(script)] if script is not None else []
    duration = f"{max(1, round(seconds))}s"
    return [*pinned, "wrk", "-t1", f"-c{connections}", f"-d{duration}", "--latency", *headers, *scripted, url]


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


APT_INSTALL = ["apt-get", "install", "-y", "-q", "wrk"]
APT_UPDATE = ["apt-get", "update", "-q"]


def can_install(is_root: bool) -> bool:
    return is_root and shutil.which("apt-get") is not None


def ensure_installed() -> str | None:
    """Install Debian's wrk when it is missing (as root, with apt-get); None when wrk is there now,
    else why it is not."""
    if available():
        return None
    if not can_install(hasattr(os, "geteuid") and os.geteuid() == 0):
        return "wrk is missing and cannot be installed here (apt-get as root is needed)"
    failure = ""
    for steps in ([APT_INSTALL], [APT_UPDATE, APT_INSTALL]):  # the package lists may be stale
        for step in steps:
            result = subprocess.run(step, capture_output=True, text=True, check=False, timeout=600)
            if result.returncode != 0:
                failure = f"`{' '.join(step)}` failed: {result.stderr.strip()[-200:]}"
                break
        if available():
            return None
    return failure or "apt-get installed no wrk"
