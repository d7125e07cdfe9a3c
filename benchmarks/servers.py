"""Start a server pinned to one core, time it until its first good answer, read its memory, stop it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .scenarios import Scenario

READY_TIMEOUT_S = 60.0
POLL_INTERVAL_S = 0.01


class ServerStartError(RuntimeError):
    """A server exited, or did not answer the probe in time."""


@dataclass
class RunningServer:
    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    startup_s: float
    log_path: Path
    rss_after_startup_mb: float = field(default=0.0)

    def rss_mb(self) -> float:
        return process_tree_rss_mb(self.process.pid)

    def cpu_s(self) -> float:
        return process_tree_cpu_s(self.process.pid)

    def stop(self) -> None:
        stop_process_group(self.process)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pin_prefix(cpu: str | None) -> list[str]:
    return ["taskset", "-c", cpu] if cpu is not None and shutil.which("taskset") else []


def start(
    name: str,
    argv: list[str],
    *,
    port: int,
    probe: Scenario,
    probe_path: str,
    log_dir: Path,
    cwd: Path,
) -> RunningServer:
    """Start argv in its own process group; the start-up time ends at the probe's first 2xx answer."""
    base_url = f"http://127.0.0.1:{port}"
    log_path = log_dir / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True
        )
    deadline = started + READY_TIMEOUT_S
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise ServerStartError(f"{name} exited with {process.returncode}; see {log_path}")
        if answer_status(base_url + probe_path, probe, timeout=1.0) in range(200, 300):
            server = RunningServer(name, process, base_url, time.perf_counter() - started, log_path)
            server.rss_after_startup_mb = server.rss_mb()
            return server
        time.sleep(POLL_INTERVAL_S)
    stop_process_group(process)
    raise ServerStartError(
        f"{name} did not answer {probe_path} within {READY_TIMEOUT_S:.0f}s; see {log_path}"
    )


def answer_status(url: str, scenario: Scenario, timeout: float = 5.0) -> int | None:
    status, _ = answer(url, scenario, timeout)
    return status


def answer(url: str, scenario: Scenario, timeout: float = 5.0) -> tuple[int | None, int]:
    """(status, body bytes) of one request; status None when nothing answered."""
    request = urllib.request.Request(
        url, data=scenario.body, method=scenario.method, headers=dict(scenario.all_headers())
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())
    except (OSError, ValueError):
        return None, 0


def stop_process_group(process: subprocess.Popen[bytes], grace_s: float = 5.0) -> None:
    """SIGTERM the group this script started, then SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace_s)
    except ProcessLookupError:
        pass


def process_tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc), in MiB."""
    return sum(_rss_kb(pid) for pid in _tree(root_pid)) / 1024


def _tree(root_pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = [], [root_pid]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def process_tree_cpu_s(root_pid: int) -> float:
    """User + system CPU seconds used so far by a process and its descendants (Linux /proc)."""
    ticks = 0
    for pid in _tree(root_pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
