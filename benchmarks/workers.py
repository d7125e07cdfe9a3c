"""Workers and the shared store: GET req/s of one process in memory, one on PostgreSQL, two workers.

The three setups run at once (each on a database of its own, made for the run and dropped after)
and are measured in alternating rounds, as the peers are. The one-process setups sit on the
servers' core with the load generator on the other, as in the main comparison; the two workers
are given both cores, which they share with the load generator: on a 2-core machine that is what
"2 workers" can have, so their figure is what the machine gives, not what two free cores would.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .measurement import Measurement

ADMIN_URL = os.environ.get("MINBIL_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
TWO_WORKERS_TARGET = 1.6  # 2 workers against 1 process on the shared store, where the cores exist
SHARED_STORE_TARGET = 0.8  # shared-store GETs against in-memory ones, per core


@dataclass(frozen=True)
class Setup:
    key: str
    label: str
    workers: int
    shared_store: bool
    server_cpus: str | None  # a taskset CPU list; None: not pinned
    load_cpus: str | None

    def mock_flags(self, state_url: str) -> list[str]:
        flags = ["--state", state_url] if self.shared_store else []
        return [*flags, "--workers", str(self.workers)] if self.workers > 1 else flags


def plan(cpus: Sequence[int], server_cpu: str | None, load_cpu: str | None) -> tuple[Setup, ...]:
    """The three setups; the two workers get every core this process may use."""
    every = ",".join(str(cpu) for cpu in cpus) if len(cpus) >= 2 and server_cpu is not None else None
    return (
        Setup("memory", "1 process, in memory", 1, False, server_cpu, load_cpu),
        Setup("shared", "1 process, shared PostgreSQL store", 1, True, server_cpu, load_cpu),
        Setup("shared-2", "2 workers, shared PostgreSQL store", 2, True, every, every),
    )


@dataclass(frozen=True)
class SetupResult:
    setup: Setup
    by_scenario: dict[str, Measurement]
    load_cpu_cores: float | None = None  # the load generator's CPU time over the wall time


def ratio_rows(results: Sequence[SetupResult], cores: int) -> list[tuple[str, str, float | None, str]]:
    """(scenario, comparison, ratio, verdict) for the two targets, per scenario."""
    by_key = {r.setup.key: r for r in results}
    memory, shared, two = by_key.get("memory"), by_key.get("shared"), by_key.get("shared-2")
    rows: list[tuple[str, str, float | None, str]] = []
    names = list((memory or shared or two).by_scenario) if results else []
    for name in names:
        if memory and shared:
            ratio = _rate_ratio(shared, memory, name)
            rows.append(
                (
                    name,
                    "shared store / in memory, 1 process on 1 core",
                    ratio,
                    _verdict(ratio, SHARED_STORE_TARGET),
                )
            )
            per_core = _cpu_ratio(memory, shared, name)
            rows.append(
                (
                    name,
                    "shared store / in memory, per CPU second (server's and PostgreSQL's)",
                    per_core,
                    _verdict(per_core, SHARED_STORE_TARGET),
                )
            )
        if shared and two:
            ratio = _rate_ratio(two, shared, name)
            verdict = _verdict(ratio, TWO_WORKERS_TARGET)
            if cores <= 2:
                verdict += " (2 cores shared with the load generator: not the cores the target asks for)"
            rows.append((name, "2 workers / 1 process, shared store", ratio, verdict))
    return rows


def _rate_ratio(top: SetupResult, bottom: SetupResult, name: str) -> float | None:
    a, b = top.by_scenario.get(name), bottom.by_scenario.get(name)
    if a is None or b is None or not b.requests_per_s:
        return None
    return a.requests_per_s / b.requests_per_s


def _cpu_ratio(cheaper: SetupResult, dearer: SetupResult, name: str) -> float | None:
    """Requests per CPU second of `dearer` over `cheaper`'s, its database's CPU counted in."""
    a, b = cheaper.by_scenario.get(name), dearer.by_scenario.get(name)
    if a is None or b is None or not a.cpu_us_per_request or not b.cpu_us_per_request:
        return None
    total = b.cpu_us_per_request + (b.store_cpu_us_per_request or 0.0)
    return (a.cpu_us_per_request + (a.store_cpu_us_per_request or 0.0)) / total


def _verdict(ratio: float | None, target: float) -> str:
    if ratio is None:
        return "no figure"
    return f"≥ {target}x: {'met' if ratio >= target else 'NOT MET'}"


def table(results: Sequence[SetupResult]) -> str:
    lines = [
        "| scenario | setup | req/s | p50 ms | p99 ms | server CPU µs/req | PostgreSQL CPU µs/req "
        "| non-2xx / socket errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = list(results[0].by_scenario) if results else []
    for name in names:
        for result in results:
            m = result.by_scenario.get(name)
            if m is None:
                continue
            cpu = " | ".join(_us(v) for v in (m.cpu_us_per_request, m.store_cpu_us_per_request))
            rate = f"{m.requests_per_s:,.0f} | {m.p50_ms:.2f} | {m.p99_ms:.2f}"
            lines.append(
                f"| {name} | {result.setup.label} | {rate} | {cpu} | {m.non_2xx} / {m.socket_errors} |"
            )
    return "\n".join(lines)


def _us(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def ratio_table(results: Sequence[SetupResult], cores: int) -> str:
    lines = ["| scenario | comparison | req/s ratio | target |", "|---|---|---:|---|"]
    for name, comparison, ratio, verdict in ratio_rows(results, cores):
        shown = "–" if ratio is None else f"{ratio:.2f}x"
        lines.append(f"| {name} | {comparison} | {shown} | {verdict} |")
    return "\n".join(lines)


def section(results: Sequence[SetupResult], cores: int, postgres_version: str | None) -> str:
    """The report's part on workers and the shared store: figures, ratios, and what the cores mean."""
    load = ", ".join(
        f"{r.setup.label} {r.load_cpu_cores:.2f}" for r in results if r.load_cpu_cores is not None
    )
    two = next((r.setup for r in results if r.setup.workers > 1), None)
    placement = (
        f"the two workers on CPUs {two.server_cpus}, the load generator on the same CPUs"
        if two and two.server_cpus
        else "the two workers and the load generator unpinned"
    )
    lines = [
        f"## Workers and the shared store (PostgreSQL {postgres_version or '?'} on this machine)",
        "",
        "GETs only; each setup on a database of its own, all three started at once and measured in "
        f"alternating rounds. One process: pinned to the servers' core as above; {placement}.",
        f"This machine has {cores} logical CPU(s). "
        + (
            "The 1.6x target is for a machine with a core per worker besides the load generator's: "
            "here the two workers share two cores with the load generator, so their figure is the most "
            "this machine gives, not a measure of two free cores."
            if cores <= 2
            else "The two workers share the cores with the load generator."
        ),
        f"Load generator CPU (cores busy on average while it ran): {load or '–'}.",
        "",
        table(results),
        "",
        ratio_table(results, cores),
    ]
    return "\n".join(lines)


@dataclass
class Database:
    """A database made for one setup, and the CPU its backends (the server's connections) use."""

    name: str
    url: str
    admin: Any  # a psycopg connection to the admin database

    def backends_cpu_s(self) -> float:
        """CPU seconds used so far by the backends now serving this database (a local server only)."""
        rows = self.admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.name,))
        return sum(_cpu_s(int(pid)) for (pid,) in rows.fetchall())


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def database(admin_url: str = ADMIN_URL) -> Iterator[Database]:
    """A database made for one setup and dropped after it."""
    import psycopg

    name = f"minbil_bench_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.Error as error:
        raise PostgresUnavailable(str(error).strip().splitlines()[0]) from error
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        admin.close()
        raise PostgresUnavailable(str(error).strip().splitlines()[0]) from error
    try:
        yield Database(name, f"{admin_url.rpartition('/')[0]}/{name}", admin)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def server_version(admin_url: str = ADMIN_URL) -> str:
    import psycopg

    try:
        with psycopg.connect(admin_url, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except psycopg.Error as error:
        raise PostgresUnavailable(str(error).strip().splitlines()[0]) from error
    return str(row[0]) if row else "?"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL answered at the admin URL."""
