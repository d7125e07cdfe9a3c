#!/usr/bin/env python3
"""How long a cheap GET waits while the mock builds big sandboxes for someone else.

    .venv/bin/python benchmarks/build_stall.py               # 3 rounds of ten-thousand-logs
    .venv/bin/python benchmarks/build_stall.py --rounds 5 --scenario family-three-cars
    .venv/bin/python benchmarks/build_stall.py --mock-flag=--no-build-process   # builds in a thread

Starts `minbil-mock` on a free loopback port, sends one cheap GET (`GET /api/co/vehicles` as
demo-ola) every 5 ms from one client, and meanwhile, from another, makes a sandbox from the
scenario, resets it, snapshots it and restores the snapshot, `--rounds` times. Prints each
step's duration and the GET latencies (p50, p99, max) during the steps and at rest. Bounded in
count and time; it stops the mock when done.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

if __package__ in (None, ""):  # run as a file: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import servers
from benchmarks.measurement import percentile
from benchmarks.scenarios import READY_PROBE

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PROBE = "/api/co/vehicles"
PROBE_HEADERS = {"Authorization": "Bearer demo-ola"}
INTERVAL_S = 0.005
STEP_TIMEOUT_S = 120.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/build_stall.py", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the four steps (default 3)")
    parser.add_argument("--scenario", default="ten-thousand-logs", help="scenario to build")
    parser.add_argument("--rest", type=float, default=2.0, help="seconds of GETs with nothing built, first")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="checkout whose mock_server to start (to compare versions)"
    )
    parser.add_argument(
        "--mock-flag", action="append", default=[], metavar="FLAG", help="a flag for the mock (repeatable)"
    )
    return parser.parse_args(argv)


async def _probe(client: httpx.AsyncClient, samples: list[tuple[float, float]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        answer = await client.get(PROBE, headers=PROBE_HEADERS)
        answer.raise_for_status()
        samples.append((started, time.perf_counter() - started))
        await asyncio.sleep(INTERVAL_S)


async def _steps(client: httpx.AsyncClient, scenario: str, rounds: int) -> list[tuple[str, float, float]]:
    """(step, start, end) for each step."""
    done: list[tuple[str, float, float]] = []

    async def step(name: str, method: str, url: str, **kwargs: object) -> httpx.Response:
        started = time.perf_counter()
        answer = await client.request(method, url, timeout=STEP_TIMEOUT_S, **kwargs)  # type: ignore[arg-type]
        answer.raise_for_status()
        done.append((name, started, time.perf_counter()))
        return answer

    for _ in range(rounds):
        made = await step("create", "POST", "/__mock/sandboxes", json={"scenario": scenario})
        token = made.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        await step("reset", "POST", "/__mock/sandbox/reset", headers=auth)
        await step("snapshot", "POST", "/__mock/sandbox/snapshots", headers=auth, json={"name": "s"})
        await step("restore", "POST", "/__mock/sandbox/snapshots/s/restore", headers=auth)
        await client.delete("/__mock/sandbox", headers=auth)
    return done


def _figures(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    ms = [1000 * percentile(ordered, q) for q in (0.5, 0.99)] + [1000 * ordered[-1]]
    return f"n={len(ordered):5d}  p50 {ms[0]:6.2f} ms  p99 {ms[1]:6.2f} ms  max {ms[2]:6.2f} ms"


async def measure(base_url: str, scenario: str, rounds: int, rest_s: float) -> str:
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()
    async with (
        httpx.AsyncClient(base_url=base_url) as probe_client,
        httpx.AsyncClient(base_url=base_url) as worker,
    ):
        probing = asyncio.create_task(_probe(probe_client, samples, stop))
        await asyncio.sleep(rest_s)
        rest_end = time.perf_counter()
        steps = await _steps(worker, scenario, rounds)
        stop.set()
        await probing
    lines = [f"scenario {scenario}, {rounds} round(s); cheap GET {PROBE} every {INTERVAL_S * 1000:.0f} ms"]
    lines.append(f"  at rest            {_figures([d for t, d in samples if t < rest_end])}")
    busy = [d for t, d in samples if any(start <= t + d and t <= end for _, start, end in steps)]
    lines.append(f"  during the steps   {_figures(busy)}")
    for name in ("create", "reset", "snapshot", "restore"):
        took = [end - start for step, start, end in steps if step == name]
        lines.append(f"  {name:<9} took {', '.join(f'{s * 1000:.0f} ms' for s in took)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    port = servers.free_port()
    argv_ = [str(VENV_PYTHON), "-m", "mock_server.cli", "--port", str(port), *args.mock_flag]
    with tempfile.TemporaryDirectory() as log_dir:
        server = servers.start(
            "mock", argv_, port=port, probe=READY_PROBE, probe_path=READY_PROBE.path,
            log_dir=Path(log_dir), cwd=args.root,
        )  # fmt: skip
        try:
            print(asyncio.run(measure(server.base_url, args.scenario, args.rounds, args.rest)))
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
