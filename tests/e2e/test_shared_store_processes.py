"""Real `minbil-mock` processes on one PostgreSQL database: concurrent writers on two processes keep
the invariants, a process killed with -9 loses nothing it acknowledged, and `--workers N` serves
one port from N processes that see each other's writes and each other's live events."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest
import websockets

from mock_server.settings import RealtimeSettings
from tests.e2e.running_mock import free_port, running_mock
from tests.postgres_support import fresh_database

AUTH = "Authorization"


@pytest.fixture
def database() -> Iterator[str]:
    with fresh_database() as url:
        yield url


def _bearer(token: str) -> dict[str, str]:
    return {AUTH: f"Bearer {token}"}


def _mocks(stack: ExitStack, url: str, count: int) -> list[tuple[str, subprocess.Popen]]:
    # The first seeds the database; the others find the world there.
    return [
        stack.enter_context(
            running_mock("--state", url, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
        for _ in range(count)
    ]


def test_32_writers_on_two_processes_leave_exactly_one_primary_and_one_link_per_car(database: str) -> None:
    with ExitStack() as stack:
        (one, _), (other, _) = _mocks(stack, database, 2)
        token = httpx.post(f"{one}/__mock/sandboxes", json={"scenario": "empty"}).json()["token"]
        plates = ("CV12345", "DN54321", "EL34567", "DN54321")

        def write(n: int) -> int:
            base = (one, other)[n % 2]
            plate = plates[n % len(plates)]
            with httpx.Client(base_url=base, headers=_bearer(token), timeout=30) as client:
                linked = client.post("/api/co/vehicles", json={"registration_number": plate})
                primary = client.post("/api/co/vehicles/set-primary", json={"registration_number": plate})
                return linked.status_code * 1000 + primary.status_code

        with ThreadPoolExecutor(32) as pool:
            answers = list(pool.map(write, range(32)))
        # Linking is idempotent (201 the first time, 200 after), set-primary always succeeds.
        assert {answer // 1000 for answer in answers} <= {200, 201}, answers
        assert {answer % 1000 for answer in answers} == {200}, answers
        assert sorted(answer // 1000 for answer in answers).count(201) == 3  # one first link per car
        for base in (one, other):
            cars = httpx.get(f"{base}/api/co/vehicles", headers=_bearer(token)).json()["data"]
            assert sorted(car["registration_number"] for car in cars) == sorted(set(plates))
            assert sum(car["is_primary"] for car in cars) == 1


def test_a_process_killed_with_minus_9_under_load_loses_nothing_it_acknowledged(database: str) -> None:
    with ExitStack() as stack:
        (victim, process), (survivor, _) = _mocks(stack, database, 2)
        tokens = [
            httpx.post(f"{victim}/__mock/sandboxes", json={"scenario": "one-car"}).json()["token"]
            for _ in range(8)
        ]
        plate = httpx.get(f"{victim}/api/co/vehicles", headers=_bearer(tokens[0])).json()["data"][0][
            "registration_number"
        ]
        acknowledged: dict[str, int] = {}

        def write(token: str) -> None:
            with httpx.Client(base_url=victim, headers=_bearer(token), timeout=5) as client:
                for n in range(10_000):
                    try:
                        answer = client.put(f"/api/co/vehicles/{plate}", json={"nickname": f"n{n}"})
                    except httpx.TransportError:
                        return  # the process is gone
                    assert answer.status_code == 200, answer.text
                    acknowledged[token] = n

        with ThreadPoolExecutor(len(tokens)) as pool:
            for token in tokens:
                pool.submit(write, token)
            while sum(acknowledged.values()) < 200:
                pass
            process.send_signal(signal.SIGKILL)
        assert len(acknowledged) == len(tokens)
        for token, n in acknowledged.items():
            car = httpx.get(f"{survivor}/api/co/vehicles", headers=_bearer(token)).json()["data"][0]
            # The last acknowledged change, or the one after it (committed, its answer lost with the process).
            assert car["nickname"] in (f"n{n}", f"n{n + 1}"), (token, n, car["nickname"])


def test_workers_serve_one_port_and_see_each_others_writes(database: str) -> None:
    with running_mock("--state", database, "--workers", "2", stdout=subprocess.DEVNULL) as (base, parent):
        token = httpx.post(f"{base}/__mock/sandboxes", json={"scenario": "one-car"}).json()["token"]
        headers = {**_bearer(token), "Connection": "close"}  # a new connection each time: any worker
        plate = httpx.get(f"{base}/api/co/vehicles", headers=headers).json()["data"][0]["registration_number"]
        for n in range(20):
            put = httpx.put(f"{base}/api/co/vehicles/{plate}", headers=headers, json={"nickname": f"n{n}"})
            assert put.status_code == 200, put.text
            got = httpx.get(f"{base}/api/co/vehicles", headers=headers).json()["data"][0]
            assert got["nickname"] == f"n{n}"
        workers = subprocess.run(
            ["pgrep", "-P", str(parent.pid)], capture_output=True, text=True, check=False
        )
        assert len(workers.stdout.split()) == 2


def test_a_socket_on_any_worker_gets_every_event_caused_through_any_worker_once(database: str) -> None:
    with running_mock("--state", database, "--workers", "2", stdout=subprocess.DEVNULL) as (base, _):
        token = httpx.post(f"{base}/__mock/sandboxes", json={"scenario": "one-car"}).json()["token"]
        headers = {**_bearer(token), "Connection": "close"}  # a new connection each time: any worker
        plate = httpx.get(f"{base}/api/co/vehicles", headers=headers).json()["data"][0]["registration_number"]
        topic = (
            "realtime:"
            + httpx.get(f"{base}/api/co/realtime/config", headers=headers).json()["channels"]["bookings"]
        )
        key = RealtimeSettings().anon_key
        socket = f"{base.replace('http', 'ws')}/realtime/v1/websocket?apikey={key}&vsn=1.0.0"

        async def listen() -> tuple[list[str], list[str]]:
            async with websockets.connect(socket) as ws:
                join = {"config": {"private": True}, "access_token": token}
                await ws.send(json.dumps({"topic": topic, "event": "phx_join", "payload": join, "ref": "1"}))
                sent = []
                for _ in range(12):  # each on a new connection: both workers cause some
                    answer = await asyncio.to_thread(
                        httpx.post,
                        f"{base}/__mock/sandbox/workshop-events",
                        headers=headers,
                        json={"type": "booking.requested", "registration_number": plate},
                    )
                    assert answer.status_code == 201, answer.text
                    sent.append(answer.json()["booking"]["id"])
                got: list[str] = []
                while len(got) < len(sent):
                    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if message["event"] == "broadcast":
                        got.append(message["payload"]["payload"]["id"])
                # Nothing more comes (no event twice): the heartbeat's reply is next.
                await ws.send(
                    json.dumps({"topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": "2"})
                )
                while (message := json.loads(await asyncio.wait_for(ws.recv(), 10)))["topic"] != "phoenix":
                    assert message["event"] != "broadcast", message
                return sent, got

        sent, got = asyncio.run(listen())
        assert got == sent


def test_workers_without_a_shared_store_are_refused_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mock_server.cli", "--port", str(free_port()), "--workers", "2"],
        capture_output=True, text=True, timeout=60, env={**os.environ},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--workers 2 needs --state postgresql://" in done.stderr
