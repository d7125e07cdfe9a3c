"""The real `minbil-mock` on real sockets, against slow, dead and odd clients (loopback only, a
bounded number of connections)."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

MAX_CONNECTIONS = 40
REQUEST_TIMEOUT = 3.0  # long enough to open every stalled connection first, even on a busy machine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Running:
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return sock


def _start(tmp: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    log = tmp / "mock.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mock_server.cli", *args], stdout=out, stderr=subprocess.STDOUT, text=True
        )
    return process, log


def _wait_for_banner(process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while "listening on" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the mock did not start: {log.read_text()}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    port = _free_port()
    process, log = _start(
        tmp_path_factory.mktemp("protocol"),
        "--port", str(port),
        "--request-timeout", str(REQUEST_TIMEOUT),
        "--max-connections", str(MAX_CONNECTIONS),
    )  # fmt: skip
    _wait_for_banner(process, log)
    try:
        yield Running(port, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one answer, read until the server closes or the body is whole."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def _closed_by_server(sock: socket.socket) -> bool:
    """True once the server closes the connection (within the socket's timeout)."""
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


def _own_sandbox(running: Running) -> str:
    return httpx.post(f"{running.base}/__mock/sandboxes").json()["token"]


def test_the_banner_is_printed_only_once_the_port_answers(tmp_path: Path) -> None:
    port = _free_port()
    process, log = _start(tmp_path, "--port", str(port), "--no-demo")
    try:
        _wait_for_banner(process, log)
        # No retry: the banner's promise holds the moment it is printed.
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=10).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_chunked_json_body_links_a_vehicle_over_a_real_socket(running: Running) -> None:
    token = _own_sandbox(running)
    body = b'{"registration_number": "CV12345"}'
    with running.connect() as sock:
        sock.sendall(
            b"POST /api/co/vehicles HTTP/1.1\r\nHost: localhost\r\n"
            + f"Authorization: Bearer {token}\r\n".encode()
            + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"%x\r\n%s\r\n" % (10, body[:10])
            + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body) - 10, body[10:])
        )
        status, _, answer = _answer(sock)
    assert status == 201, answer
    assert json.loads(answer)["data"]["registration_number"] == "CV12345"


def test_a_body_shorter_than_its_content_length_gets_408_and_the_connection_closed(running: Running) -> None:
    with running.connect() as sock:
        sock.sendall(
            b"PUT /api/co/settings/notifications HTTP/1.1\r\nHost: localhost\r\n"
            b"Authorization: Bearer demo-ola\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            b'{"message.new": '
        )
        status, headers, body = _answer(sock)
        assert status == 408
        assert headers["content-type"] == "application/problem+json" and headers["x-request-id"]
        assert json.loads(body)["code"] == "REQUEST_TIMEOUT"
        assert _closed_by_server(sock)


def test_a_connection_that_never_sends_a_request_is_closed(running: Running) -> None:
    with running.connect() as sock:
        assert _closed_by_server(sock)


def test_a_request_head_that_stops_arriving_gets_408_and_is_closed(running: Running) -> None:
    with running.connect() as sock:
        sock.sendall(b"GET /api/co/vehicles HTTP/1.1\r\nHost: localhost\r\nAuthoriz")
        status, _, body = _answer(sock)
        assert status == 408 and json.loads(body)["code"] == "REQUEST_TIMEOUT"
        assert _closed_by_server(sock)


def test_half_open_connections_cannot_starve_other_clients(running: Running) -> None:
    stalled = []
    try:
        for _ in range(MAX_CONNECTIONS * 3):  # 120 connections that never finish their request
            sock = running.connect()
            sock.sendall(b"GET /api/co/vehicles HTTP/1.1\r\nHost: localhost\r\n")
            stalled.append(sock)
        # Full: a new request is told so at once, in the catalogue's words.
        busy = httpx.get(f"{running.base}/api/co/vehicles", headers={"Authorization": "Bearer demo-kari"})
        assert (busy.status_code, busy.json()["code"]) == (503, "SERVER_BUSY")
        assert busy.headers["x-request-id"] and busy.headers["retry-after"] == "1"
        # Within a bounded time every stalled connection is dropped, and the mock serves again.
        assert all(_closed_by_server(sock) for sock in stalled)
        served = httpx.get(f"{running.base}/api/co/vehicles", headers={"Authorization": "Bearer demo-kari"})
        assert served.status_code == 200
    finally:
        for sock in stalled:
            sock.close()


def test_deeply_nested_json_over_a_real_socket_is_a_400(running: Running) -> None:
    answer = httpx.put(
        f"{running.base}/api/co/settings/notifications",
        content=b"[" * 1000 + b"]" * 1000,
        headers={"Authorization": "Bearer demo-ola", "Content-Type": "application/json"},
    )
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_JSON")


def test_a_client_gone_mid_body_leaves_no_traceback(running: Running) -> None:
    token = _own_sandbox(running)
    for path in ("/api/co/vehicles", "/__mock/sandboxes"):
        with running.connect() as sock:
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n".encode()
                + b"Content-Type: application/json\r\nContent-Length: 90\r\n\r\n"
                + b'{"registration_number": "DN54321"}'
            )
            time.sleep(0.2)
    # The mock still answers, and nothing went to its log.
    assert (
        httpx.get(f"{running.base}/api/co/vehicles", headers={"Authorization": f"Bearer {token}"}).json()[
            "data"
        ]
        == []
    )
    assert "Traceback" not in running.log.read_text()
    assert "ClientDisconnect" not in running.log.read_text()


# --- start-up errors: one line, no traceback, nothing printed as if it were running -----------------


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mock_server.cli", *args], capture_output=True, text=True, timeout=120
    )


def _one_line_refusal(result: subprocess.CompletedProcess, said: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""  # no banner, no tokens
    assert result.stderr.startswith("minbil-mock: ") and result.stderr.count("\n") == 1, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536"])
def test_a_port_outside_1_to_65535_is_refused(port: str) -> None:
    _one_line_refusal(_run_cli("--port", port), "1 to 65535")


def test_a_taken_port_is_refused_before_anything_is_printed() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        _one_line_refusal(_run_cli("--port", str(taken.getsockname()[1])), "already in use")


def test_a_garbage_state_file_is_refused_in_one_line(tmp_path: Path) -> None:
    state = tmp_path / "world.sqlite"
    state.write_bytes(b"\x00garbage" * 1000)
    _one_line_refusal(_run_cli("--port", str(_free_port()), "--state", str(state)), "not a readable")


def test_a_state_file_in_a_missing_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    state = tmp_path / "missing" / "world.sqlite"
    _one_line_refusal(_run_cli("--port", str(_free_port()), "--state", str(state)), "does not exist")


def test_a_stopped_mock_leaves_the_whole_world_in_the_state_file_alone(tmp_path: Path) -> None:
    state = tmp_path / "world.sqlite"
    port = _free_port()
    process, log = _start(tmp_path, "--port", str(port), "--state", str(state))
    try:
        _wait_for_banner(process, log)
        created = httpx.post(f"http://127.0.0.1:{port}/__mock/sandboxes", json={"token": "kept-after-stop"})
        assert created.status_code == 201
    finally:
        process.terminate()  # what Ctrl+C or a service manager does
        process.wait(timeout=30)
    assert "Traceback" not in log.read_text()
    # Copied without its -wal file, the state file still holds every acknowledged change.
    alone = tmp_path / "copy.sqlite"
    alone.write_bytes(state.read_bytes())
    with closing(sqlite3.connect(alone)) as db:
        tokens = {row[0] for row in db.execute("SELECT token FROM sandboxes")}
    assert {"demo-kari", "demo-ola", "kept-after-stop"} <= tokens
