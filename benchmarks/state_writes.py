#!/usr/bin/env python3
"""What one write costs against the size of the sandbox, for each store.

    .venv/bin/python benchmarks/state_writes.py                  # memory, SQLite and PostgreSQL
    .venv/bin/python benchmarks/state_writes.py --stores sqlite --requests 100
    .venv/bin/python benchmarks/state_writes.py --served     # a started minbil-mock, over a socket
    MINBIL_BENCH_POSTGRES=postgresql://me@db:5432/postgres .venv/bin/python benchmarks/state_writes.py

In-process (the app behind Starlette's test client, the way the tests drive it): for each store,
a mock is built, a `one-car` sandbox and a `ten-thousand-logs` sandbox (10,000 service-log entries,
397 cars) are made, and `PUT /api/co/vehicles/{reg}` (a new nickname each time) is sent to each in
turn, `--requests` times, after a warm-up. Prints p50 and p90 per sandbox and the ratio of the
p50s (the target: within 1.5x). PostgreSQL runs in a database made for the run and dropped after
(on the server `MINBIL_BENCH_POSTGRES` names, default the local one); without one reachable it is
left out, and the report says so. With `--served` the same requests go over a loopback socket to
a `minbil-mock` started for each store (uvicorn, as shipped), one client at a time.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from starlette.testclient import TestClient

from benchmarks import servers
from benchmarks.scenarios import READY_PROBE
from mock_server.app import create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings

SERVER = os.environ.get("MINBIL_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
SMALL, BIG = "one-car", "ten-thousand-logs"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/state_writes.py", description=__doc__.splitlines()[0])
    parser.add_argument("--stores", default="memory,sqlite,postgres", help="comma-separated (default all)")
    parser.add_argument("--requests", type=int, default=200, help="timed PUTs per sandbox (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed PUTs per sandbox first (default 20)")
    parser.add_argument("--served", action="store_true", help="against a started mock, over a socket")
    return parser.parse_args(argv)


@contextmanager
def _store(kind: str) -> Iterator[dict[str, Any] | None]:
    """Settings fields of a new store of `kind`; None when it cannot be had here."""
    if kind == "memory":
        yield {}
    elif kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield {"state_path": Path(folder) / "state.sqlite"}
    else:
        import psycopg

        try:
            admin = psycopg.connect(SERVER, autocommit=True, connect_timeout=3)
        except psycopg.Error as error:
            print(f"postgres: left out, none reachable at {SERVER} ({str(error).strip().splitlines()[0]})")
            yield None
            return
        name = f"minbil_bench_{secrets.token_hex(4)}"
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield {"state_url": f"{SERVER.rpartition('/')[0]}/{name}"}
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@contextmanager
def _in_process(fields: dict[str, Any]) -> Iterator[httpx.Client]:
    settings = Settings(**fields, demo=False)
    world, _ = build_seeded_world(settings)
    with TestClient(create_app(settings, world)) as client:
        yield client
    if world.state is not None:
        world.state.close()


@contextmanager
def _served(fields: dict[str, Any]) -> Iterator[httpx.Client]:
    port = servers.free_port()
    state = [] if not fields else ["--state", str(fields.get("state_path") or fields["state_url"])]
    argv = [sys.executable, "-m", "mock_server.cli", "--port", str(port), *state]
    with tempfile.TemporaryDirectory() as log_dir:
        server = servers.start(
            "mock", argv, port=port, probe=READY_PROBE, probe_path=READY_PROBE.path,
            log_dir=Path(log_dir), cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
        try:
            with httpx.Client(base_url=server.base_url) as client:
                yield client
        finally:
            server.stop()


def _measure(client: httpx.Client, requests: int, warmup: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    targets = []
    for scenario in (SMALL, BIG):
        made = client.post("/__mock/sandboxes", json={"scenario": scenario}, timeout=300)
        made.raise_for_status()
        auth = {"Authorization": f"Bearer {made.json()['token']}"}
        cars = client.get("/api/co/vehicles", headers=auth).json()["data"]
        targets.append((scenario, auth, cars[0]["registration_number"]))
        times[scenario] = []
    for round_ in range(warmup + requests):
        for scenario, auth, plate in targets:  # in turn, so both see the same machine
            started = time.perf_counter()
            answer = client.put(f"/api/co/vehicles/{plate}", headers=auth, json={"nickname": f"Bil {round_}"})
            elapsed = time.perf_counter() - started
            assert answer.status_code == 200, answer.text
            if round_ >= warmup:
                times[scenario].append(elapsed * 1000)
    return times


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    where = "a started mock, over a socket" if args.served else "in-process"
    print(
        f"PUT /api/co/vehicles/{{reg}} nickname, {args.requests} per sandbox"
        f" after {args.warmup} warm-up, {where}"
    )
    print(f"| store | {SMALL} p50 ms | p90 ms | {BIG} p50 ms | p90 ms | p50 ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in args.stores.split(","):
        with _store(kind) as fields:
            if fields is None:
                continue
            with (_served if args.served else _in_process)(fields) as client:
                times = _measure(client, args.requests, args.warmup)
        small, big = times[SMALL], times[BIG]
        ratio = statistics.median(big) / statistics.median(small)
        print(
            f"| {kind} | {statistics.median(small):.2f} | {_percentile(small, 0.9):.2f} "
            f"| {statistics.median(big):.2f} | {_percentile(big, 0.9):.2f} | {ratio:.2f}x |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
