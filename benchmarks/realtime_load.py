"""Realtime under load: many sockets across many sandboxes, one workshop event per sandbox per second.

    .venv/bin/python benchmarks/realtime_load.py                 # 1,000 sockets, 100 sandboxes, 10 s
    .venv/bin/python benchmarks/realtime_load.py --sockets 200 --sandboxes 20 --seconds 5

Starts the mock on a free loopback port, makes the sandboxes (scenario one-car), opens the sockets
(spread evenly, half on each serializer) joined to their sandbox's bookings channel, then each
second fires `booking.requested` in every sandbox through the control API. Every socket must get
every event of its own sandbox exactly once and nothing of any other; the latency of a delivery is
from just before the control request goes out to the frame's arrival. Prints a Markdown report
(benchmarks/REALTIME.md holds the last one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.measurement import percentile

KEY = "mock-anon-key-not-a-secret"


@dataclass
class Listener:
    sandbox: int
    vsn: str
    got: list[tuple[str, float]] = field(default_factory=list)  # (booking id, arrival)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def listen(
    url: str, topic: str, token: str, listener: Listener, ready: asyncio.Event, stop: asyncio.Event
):
    async with websockets.connect(f"{url}&vsn={listener.vsn}", max_queue=None, ping_interval=None) as ws:
        join = {"config": {"private": True, "presence": {"enabled": False}}, "access_token": token}
        if listener.vsn == "2.0.0":
            await ws.send(json.dumps(["1", "1", topic, "phx_join", join]))
        else:
            await ws.send(
                json.dumps(
                    {"topic": topic, "event": "phx_join", "payload": join, "ref": "1", "join_ref": "1"}
                )
            )
        reply = json.loads(await ws.recv())
        status = (reply[4] if isinstance(reply, list) else reply["payload"])["status"]
        if status != "ok":
            raise RuntimeError(f"join refused: {reply}")
        ready.set()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=5)
            except TimeoutError:
                await ws.send(
                    json.dumps([None, "hb", "phoenix", "heartbeat", {}])
                    if listener.vsn == "2.0.0"
                    else json.dumps({"topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": "hb"})
                )
                continue
            at = time.perf_counter()
            message = json.loads(raw)
            event, payload = (
                (message[3], message[4])
                if isinstance(message, list)
                else (message["event"], message["payload"])
            )
            if event == "broadcast":
                listener.got.append((payload["payload"]["id"], at))


async def run(sockets: int, sandboxes: int, seconds: int) -> str:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    flags = [
        "--port",
        str(port),
        "--no-demo",
        "--max-connections",
        str(sockets + 200),
        "--max-sandboxes",
        str(sandboxes + 10),
        "--journal-size",
        "50",
    ]
    server = subprocess.Popen(
        [sys.executable, "-m", "mock_server.cli", *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(
            base_url=base, timeout=30, limits=httpx.Limits(max_connections=50)
        ) as http:
            for _ in range(300):
                try:
                    await http.get("/__mock/scenarios")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            made = []
            for _ in range(sandboxes):
                answer = await http.post("/__mock/sandboxes", json={"scenario": "one-car"})
                answer.raise_for_status()
                token = answer.json()["token"]
                config = (
                    await http.get("/api/co/realtime/config", headers={"Authorization": f"Bearer {token}"})
                ).json()
                cars = (
                    await http.get("/api/co/vehicles", headers={"Authorization": f"Bearer {token}"})
                ).json()
                made.append(
                    (
                        token,
                        "realtime:" + config["channels"]["bookings"],
                        cars["data"][0]["registration_number"],
                    )
                )
            url = f"ws://127.0.0.1:{port}/realtime/v1/websocket?apikey={KEY}"
            stop = asyncio.Event()
            listeners = [Listener(i % sandboxes, "2.0.0" if i % 2 else "1.0.0") for i in range(sockets)]
            readies = [asyncio.Event() for _ in listeners]
            opened = time.perf_counter()
            tasks = []
            for listener, ready in zip(listeners, readies, strict=True):
                token, topic, _ = made[listener.sandbox]
                tasks.append(asyncio.create_task(listen(url, topic, token, listener, ready, stop)))
                if len(tasks) % 50 == 0:
                    await asyncio.sleep(0.05)
            await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=120)
            open_s = time.perf_counter() - opened
            sent: dict[str, tuple[int, float]] = {}  # booking id -> (sandbox, sent at)

            async def fire(index: int) -> None:
                token, _, plate = made[index]
                at = time.perf_counter()
                answer = await http.post(
                    "/__mock/sandbox/workshop-events",
                    headers={"Authorization": f"Bearer {token}"},
                    json={"type": "booking.requested", "registration_number": plate},
                )
                answer.raise_for_status()
                sent[answer.json()["booking"]["id"]] = (index, at)

            started = time.perf_counter()
            firing = []
            for second in range(seconds):  # each sandbox at its own moment of the second, not in a burst
                for index in range(sandboxes):
                    await asyncio.sleep(max(0.0, started + second + index / sandboxes - time.perf_counter()))
                    firing.append(asyncio.create_task(fire(index)))
            await asyncio.gather(*firing)
            await asyncio.sleep(3)  # the last deliveries
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        server.terminate()
        server.wait(timeout=20)

    per_sandbox = defaultdict(set)
    for booking, (index, _) in sent.items():
        per_sandbox[index].add(booking)
    latencies, missing, duplicates, strays = [], 0, 0, 0
    for listener in listeners:
        counts = Counter(booking for booking, _ in listener.got)
        mine = per_sandbox[listener.sandbox]
        missing += len(mine - set(counts))
        duplicates += sum(n - 1 for n in counts.values() if n > 1)
        strays += sum(n for booking, n in counts.items() if booking not in mine)
        latencies += [(at - sent[b][1]) * 1000 for b, at in listener.got if b in mine]
    expected = sum(len(per_sandbox[listener.sandbox]) for listener in listeners)
    latencies.sort()
    lines = [
        "# Realtime under load",
        "",
        f"Command: `.venv/bin/python benchmarks/realtime_load.py --sockets {sockets} --sandboxes {sandboxes} "
        f"--seconds {seconds}` on the 2-core machine of benchmarks/RESULTS.md (the mock and the load "
        "generator share it).",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| sockets (half vsn 1.0.0, half 2.0.0) | {sockets:,} |",
        f"| sandboxes | {sandboxes} |",
        f"| events fired (one per sandbox per second) | {len(sent):,} |",
        f"| deliveries expected / received | {expected:,} / {len(latencies):,} |",
        f"| missing / duplicated / to the wrong socket | {missing} / {duplicates} / {strays} |",
        f"| delivery latency p50 | {percentile(latencies, 0.50):.1f} ms |",
        f"| delivery latency p99 | {percentile(latencies, 0.99):.1f} ms |",
        f"| delivery latency max | {latencies[-1] if latencies else 0:.1f} ms |",
        f"| time to open and join all sockets | {open_s:.1f} s |",
        "",
        "Latency is from just before the control request that causes the event leaves the load "
        "generator to the frame's arrival at the socket: it includes the HTTP request itself.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--sandboxes", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    report = asyncio.run(run(args.sockets, args.sandboxes, args.seconds))
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
