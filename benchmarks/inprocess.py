"""CPU µs per request of the benchmark scenarios, served in-process: the whole ASGI app, no sockets.

Each request is sent straight to the app (its middleware, validation and handler, as shipped), so
the figure is the server's own cost without the HTTP server's parsing and writing. Useful for
before/after comparisons of one change; the load figures against other servers stay in run.py.

    .venv/bin/python benchmarks/inprocess.py                        # every scenario, direct path on
    .venv/bin/python benchmarks/inprocess.py --no-direct-path --scenarios trimble,navixy
    .venv/bin/python benchmarks/inprocess.py --no-reuse-answers --scenarios vehicles
    .venv/bin/python benchmarks/inprocess.py --profile trimble       # where the time goes (pyinstrument)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
import typing as t
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scenarios import Scenario, select
from mock_server.app import create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings


def _scope(scenario: Scenario) -> dict[str, t.Any]:
    path, _, query = scenario.path.partition("?")
    headers = [(b"host", b"localhost:5000"), (b"user-agent", b"inprocess")]
    headers += [(k.lower().encode(), v.encode()) for k, v in scenario.all_headers()]
    if scenario.body is not None:
        headers.append((b"content-length", str(len(scenario.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": scenario.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 5000),
        "state": {},
    }


async def _once(app: t.Any, scenario: Scenario) -> int:
    body = scenario.body or b""
    sent = False
    status = 0

    async def receive() -> dict[str, t.Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, t.Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(_scope(scenario), receive, send)
    return status


async def _cost(app: t.Any, scenario: Scenario, requests: int, rounds: int) -> tuple[float, float, int]:
    """Median and best CPU µs per request over the rounds, and the status of the last answer. On a
    shared machine the best round is the one least disturbed by other work."""
    status = 0
    for _ in range(200):  # warm-up: caches, first-use imports
        status = await _once(app, scenario)
    figures = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            status = await _once(app, scenario)
        figures.append((time.process_time() - started) / requests * 1e6)
    return statistics.median(figures), min(figures), status


async def _lifespan(app: t.Any) -> None:
    messages = iter([{"type": "lifespan.startup"}])

    async def receive() -> dict[str, t.Any]:
        for message in messages:
            return message
        await asyncio.sleep(3600)
        return {}

    async def send(message: dict[str, t.Any]) -> None:
        if message["type"] in ("lifespan.startup.complete", "lifespan.startup.failed"):
            started.set()

    started = asyncio.Event()
    asyncio.get_running_loop().create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    )
    await started.wait()


async def _main(args: argparse.Namespace) -> None:
    # As the command serves: the direct path, and answers reused while nothing changed.
    settings = Settings(direct_path=not args.no_direct_path, reuse_answers=not args.no_reuse_answers)
    world, _ = build_seeded_world(settings)
    app = create_app(settings, world)
    await _lifespan(app)
    gc.collect()  # as the command does once the world is built (mock_server/cli.py)
    gc.freeze()
    for scenario in select(args.scenarios):
        if args.profile and any(w.strip().lower() in scenario.name.lower() for w in args.profile.split(",")):
            from pyinstrument import Profiler  # pip install pyinstrument; not a dependency

            profiler = Profiler(interval=0.0001, async_mode="disabled")
            profiler.start()
            for _ in range(args.requests):
                await _once(app, scenario)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        cost, best, status = await _cost(app, scenario, args.requests, args.rounds)
        print(f"{scenario.name:24} {cost:7.1f} CPU µs/request, best round {best:7.1f}  (status {status})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenarios", help="comma-separated words of scenario names (default: all)")
    parser.add_argument("--no-direct-path", action="store_true", help="serve every request through Connexion")
    parser.add_argument(
        "--no-reuse-answers", action="store_true", help="make every answer anew (as --no-reuse-answers)"
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the median is reported (default 5)")
    parser.add_argument("--profile", metavar="WORDS", help="profile the scenarios these words name first")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
