"""Does a page cost the same whatever a sandbox holds? Two sandboxes, 10 and 10,000 entries, in-process.

Both sandboxes live in one app and are asked alternately, so drift in the machine hits both alike.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import statistics
import time
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mock_server.packs.carowner.state import owner_state

SMALL, LARGE = 10, 10_000
TARGET_RATIO = 1.2
QUERIES: tuple[tuple[str, str], ...] = (
    ("list page 1 (10 items)", "/api/co/service-log/list?page=1&page_size=10"),
    ("latest (10 items)", "/api/co/service-log/latest?limit=10"),
    ("summary", "/api/co/service-log/summary"),
)


@dataclass(frozen=True)
class ScalingResult:
    query: str
    small_ms: float
    large_ms: float

    @property
    def ratio(self) -> float:
        return self.large_ms / self.small_ms


def _build_app(sizes: Sequence[int]) -> tuple[Any, dict[int, str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # connexion's import-time deprecation notices
        from mock_server.app import create_app
        from mock_server.packs.carowner.seeding import build_seeded_world
        from mock_server.settings import Settings
        from mock_server.store.sandbox import Sandbox

    world, _ = build_seeded_world(Settings())
    demo = world.sandboxes.by_token("demo-kari")
    if demo is None:
        raise RuntimeError("the demo world has no demo-kari")
    templates = list(owner_state(demo).service_log)
    newest = templates[0].service_date
    rng = random.Random(6)
    tokens: dict[int, str] = {}
    for size in sizes:
        token = f"bench-{size}"
        sandbox = world.sandboxes.add(
            Sandbox(
                token=token,
                user_id=uuid.UUID(int=rng.getrandbits(128)),
                display_name=f"Bench {size}",
                email=f"bench-{size}@example.no",
            )
        )
        for number in range(size):
            template = templates[number % len(templates)]
            owner_state(sandbox).service_log.add(
                dataclasses.replace(
                    template,
                    id=1001 + number,
                    booking_id=uuid.UUID(int=rng.getrandbits(128)),
                    service_date=newest - timedelta(days=number // 3),
                )
            )
        tokens[size] = token
    return create_app(Settings(), world), tokens


async def _call(app: Any, path: str, token: str) -> int:
    """One request straight into the ASGI app: no sockets, no client library in the timing."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }
    status = 0
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _measure(app: Any, tokens: dict[int, str], repeats: int) -> list[ScalingResult]:
    small, large = sorted(tokens)
    await _call(app, QUERIES[0][1], tokens[small])  # builds the middleware stack
    results = []
    for name, path in QUERIES:
        timings: dict[int, list[float]] = {small: [], large: []}
        for _ in range(repeats):
            for size in (small, large):
                started = time.perf_counter()
                status = await _call(app, path, tokens[size])
                timings[size].append((time.perf_counter() - started) * 1000)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status} for the {size}-entry sandbox")
        median_small, median_large = statistics.median(timings[small]), statistics.median(timings[large])
        results.append(ScalingResult(name, median_small, median_large))
    return results


def measure(repeats: int = 300, sizes: tuple[int, int] = (SMALL, LARGE)) -> list[ScalingResult]:
    """Median time of each query against a small and a large sandbox (two different sizes)."""
    app, tokens = _build_app(sizes)
    return asyncio.run(_measure(app, tokens, repeats))
