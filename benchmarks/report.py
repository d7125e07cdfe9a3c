"""Markdown tables of the run: load per scenario with our/Prism ratios, start-up, memory, scaling."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .measurement import Measurement
from .scaling import TARGET_RATIO, ScalingResult


@dataclass(frozen=True)
class ScenarioRow:
    scenario: str
    is_get: bool
    ours: Measurement
    prism: Measurement | None
    ours_bytes: int = 0
    prism_bytes: int = 0
    wiremock: Measurement | None = None
    wiremock_bytes: int = 0
    held_to_wiremock: bool = False  # a CarOwner GET: ≥ 1.0x WireMock's req/s on the same core


def load_table(rows: Sequence[ScenarioRow]) -> str:
    lines = [
        "| scenario | req/s ours | req/s Prism | req/s ours/Prism | p50 ms ours | p50 ms Prism "
        "| p99 ms ours | p99 ms Prism | p99 ours/Prism | CPU µs/req ours / Prism | body bytes ours / Prism "
        "| verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        ours, prism = row.ours, row.prism
        cells = [
            row.scenario,
            f"{ours.requests_per_s:,.0f}",
            _f(prism and prism.requests_per_s, ",.0f"),
            _ratio(ours.requests_per_s, prism and prism.requests_per_s),
            f"{ours.p50_ms:.2f}",
            _f(prism and prism.p50_ms, ".2f"),
            f"{ours.p99_ms:.2f}",
            _f(prism and prism.p99_ms, ".2f"),
            _ratio(ours.p99_ms, prism and prism.p99_ms),
            f"{_f(ours.cpu_us_per_request, '.0f')} / {_f(prism and prism.cpu_us_per_request, '.0f')}",
            f"{row.ours_bytes:,} / {row.prism_bytes:,}",
            verdict(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict(row: ScenarioRow) -> str:
    """GET scenarios must reach Prism's req/s with a lower p99; others are reported only."""
    problems = []
    if row.ours.non_2xx or row.ours.socket_errors:
        problems.append(f"ours: {row.ours.non_2xx} non-2xx, {row.ours.socket_errors} socket errors")
    if row.prism is not None and (row.prism.non_2xx or row.prism.socket_errors):
        problems.append(f"Prism: {row.prism.non_2xx} non-2xx, {row.prism.socket_errors} socket errors")
    if row.prism is None:
        return "; ".join(problems) or "no Prism figure"
    meets = row.ours.requests_per_s >= row.prism.requests_per_s and row.ours.p99_ms < row.prism.p99_ms
    head = ("meets target" if meets else "BELOW TARGET") if row.is_get else "reported"
    return "; ".join([head, *problems])


WIREMOCK_TARGET = 1.0


def wiremock_table(rows: Sequence[ScenarioRow]) -> str:
    lines = [
        "| scenario | req/s ours / WireMock | ours/WireMock | p99 ms ours / WireMock "
        "| CPU µs/req ours / WireMock | per core (WireMock's CPU/req over ours) "
        "| body bytes ours / WireMock | verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        theirs = row.wiremock
        if theirs is None:
            continue
        ours = row.ours
        cells = [
            row.scenario,
            f"{ours.requests_per_s:,.0f} / {theirs.requests_per_s:,.0f}",
            _ratio(ours.requests_per_s, theirs.requests_per_s),
            f"{ours.p99_ms:.2f} / {theirs.p99_ms:.2f}",
            f"{_f(ours.cpu_us_per_request, ',.0f')} / {_f(theirs.cpu_us_per_request, ',.0f')}",
            _cpu_ratio(theirs, ours),
            f"{row.ours_bytes:,} / {row.wiremock_bytes:,}",
            wiremock_verdict(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def wiremock_verdict(row: ScenarioRow) -> str:
    """CarOwner GETs must answer at least WireMock's req/s on the same core; the rest are reported."""
    if row.wiremock is None:
        return "no WireMock figure"
    problems = []
    if row.ours.non_2xx or row.ours.socket_errors:
        problems.append(f"ours: {row.ours.non_2xx} non-2xx, {row.ours.socket_errors} socket errors")
    if row.wiremock.non_2xx or row.wiremock.socket_errors:
        problems.append(
            f"WireMock: {row.wiremock.non_2xx} non-2xx, {row.wiremock.socket_errors} socket errors"
        )
    if row.ours_bytes != row.wiremock_bytes:
        problems.append("bodies differ in size")
    if not row.held_to_wiremock:
        return "; ".join(["reported", *problems])
    meets = row.ours.requests_per_s >= WIREMOCK_TARGET * row.wiremock.requests_per_s
    return "; ".join([f"≥ {WIREMOCK_TARGET}x: " + ("met" if meets else "NOT MET"), *problems])


def startup_table(entries: Sequence[tuple[str, float | None, float | None]]) -> str:
    lines = ["| server | start-up to first 2xx (median) | RSS after start-up |", "|---|---:|---:|"]
    for name, startup_s, rss_mb in entries:
        startup = "–" if startup_s is None else f"{startup_s:.2f} s"
        rss = "–" if rss_mb is None else f"{rss_mb:.0f} MiB"
        lines.append(f"| {name} | {startup} | {rss} |")
    return "\n".join(lines)


def scaling_table(results: Sequence[ScalingResult]) -> str:
    lines = [
        "| query | 10 entries ms | 10,000 entries ms | ratio | target |",
        "|---|---:|---:|---:|---|",
    ]
    for r in results:
        target = f"≤ {TARGET_RATIO}x: {'met' if r.ratio <= TARGET_RATIO else 'NOT MET'}"
        lines.append(f"| {r.query} | {r.small_ms:.3f} | {r.large_ms:.3f} | {r.ratio:.2f}x | {target} |")
    return "\n".join(lines)


def machine_lines(
    prism_version: str | None,
    load_generator: str,
    wiremock_version: str | None = None,
    java: str | None = None,
) -> list[str]:
    versions = ", ".join(
        f"{name} {_version(name)}"
        for name in ("connexion", "starlette", "uvicorn", "uvloop", "httptools", "jsonschema_rs", "orjson")
    )
    return [
        f"- machine: {_cpu_model()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {versions}",
        f"- Prism {prism_version or 'not run'} on Node {_node_version()}",
        f"- WireMock {wiremock_version or 'not run'}" + (f" on {java}" if wiremock_version and java else ""),
        f"- load generator: {load_generator}",
    ]


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _node_version() -> str:
    try:
        return (
            subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
            or "?"
        )
    except OSError:
        return "absent"


def _cpu_ratio(theirs: Measurement, ours: Measurement) -> str:
    if theirs.cpu_us_per_request is None or ours.cpu_us_per_request is None:
        return "–"
    return _ratio(theirs.cpu_us_per_request, ours.cpu_us_per_request)


def _ratio(ours: float, theirs: float | None) -> str:
    if theirs is None or theirs == 0 or math.isnan(theirs):
        return "–"
    return f"{ours / theirs:.2f}x"


def _f(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)
