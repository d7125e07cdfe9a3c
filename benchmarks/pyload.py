"""A small keep-alive HTTP/1.1 load generator, used only when wrk is missing.

It is much slower than wrk (it is Python too), so figures it produces understate fast servers.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from .measurement import Measurement, percentile
from .scenarios import Scenario


def request_bytes(scenario: Scenario, url: str) -> bytes:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{scenario.method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in scenario.all_headers()]
    body = scenario.body or b""
    if scenario.body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one response; return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _worker(
    host: str, port: int, payload: bytes, stop_at: float, latencies: list[float], counts: dict[str, int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(payload)
            status = await _read_response(reader)
            latencies.append((time.perf_counter() - started) * 1000)
            if not 200 <= status < 400:
                counts["non_2xx"] += 1
    except (OSError, asyncio.IncompleteReadError):
        counts["errors"] += 1
    finally:
        writer.close()


async def _drive(scenario: Scenario, url: str, seconds: float, connections: int) -> Measurement:
    parts = urlsplit(url)
    payload = request_bytes(scenario, url)
    latencies: list[float] = []
    counts = {"non_2xx": 0, "errors": 0}
    started = time.perf_counter()
    stop_at = started + seconds
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    await asyncio.gather(
        *(_worker(host, port, payload, stop_at, latencies, counts) for _ in range(connections))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return Measurement(
        requests_per_s=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        requests=len(latencies),
        non_2xx=counts["non_2xx"],
        socket_errors=counts["errors"],
    )


def run(scenario: Scenario, url: str, *, seconds: float, connections: int) -> Measurement:
    return asyncio.run(_drive(scenario, url, seconds, connections))
