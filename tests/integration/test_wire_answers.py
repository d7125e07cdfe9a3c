"""Answers written at the wire change nothing a client or the journal can see.

The mock served over HTTP as the command serves it (the fast lane, kept answers, and a repeated
read answered by the HTTP protocol itself) against one whose every request takes the whole stack
and is answered anew, both on one frozen wall clock: the same generated sequences of reads (with
the headers that send a request the long way), changes and clock moves, over keep-alive
connections, give the same answers — status, headers in order but Date, body bytes — and the same
journal. Then the cases the wire must leave to the request cycle: a connection that closes, HTTP/1.0,
requests pipelined behind one not yet answered.
"""

from __future__ import annotations

import socket
import threading
import time
import typing as t
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.app import create_app
from mock_server.direct import FastLaneMiddleware
from mock_server.direct.wire import WireAnswers
from mock_server.domain import clock as clock_module
from mock_server.packs.carowner import seeding
from mock_server.packs.carowner.domain import workshop
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.server import server
from mock_server.settings import Settings
from tests.integration.test_fast_lane import (
    KARI,
    OLA,
    READS,
    _Frozen,
    _Ids,
    _layers,
    assert_twins_agree,
    steps,
)

VEHICLES = "/api/co/vehicles"


def _count_answers(wire: WireAnswers) -> None:
    """`wire.answered`: how many answers it wrote; `wire.by_bytes`: how many reads it knew by
    their bytes alone."""
    answer, request_of = wire.answer, wire.request_of
    wire.answered = wire.by_bytes = 0  # type: ignore[attr-defined]

    def counted(*args: t.Any) -> bytes | None:
        made = answer(*args)
        if made is not None:
            wire.answered += 1  # type: ignore[attr-defined]
        return made

    def known(*args: t.Any) -> t.Any:
        request = request_of(*args)
        if request is not None:
            wire.by_bytes += 1  # type: ignore[attr-defined]
        return request

    wire.answer = counted  # type: ignore[method-assign]
    wire.request_of = known  # type: ignore[method-assign]


@contextmanager
def _serving(app: t.Any) -> Iterator[str]:
    """`app` served as the command serves it, from a thread, on a free port: its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    running = server(
        app, request_timeout=10, max_connections=100, wire=app.wire, log_level="warning", access_log=False
    )
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        running.should_exit = True
        thread.join(10)
        sock.close()


def _mock(*, fast: bool) -> t.Any:
    settings_ = Settings(reuse_answers=fast, seed=7)
    world, _ = build_seeded_world(settings_)
    app = create_app(settings_, world)
    if fast:
        _count_answers(app.wire)
    return app


@pytest.fixture(scope="module")
def twins() -> Iterator[tuple[t.Any, t.Any]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock_module, "datetime", _Frozen)
        patch.setattr(seeding, "datetime", _Frozen)
        patch.setattr(workshop, "uuid4", _Ids.uuid4)
        fast, slow = _mock(fast=True), _mock(fast=False)
        with _serving(fast) as fast_url, _serving(slow) as slow_url:
            (lane,) = _layers(slow, FastLaneMiddleware)
            lane.on = False  # every request the whole way, every answer made anew
            # One Host for both: the answers that name the server's URL name the same one.
            host = {"Host": "mock.test:5000"}
            with (
                httpx.Client(base_url=fast_url, headers=host) as fast_client,
                httpx.Client(base_url=slow_url, headers=host) as slow_client,
            ):
                yield (fast, fast_client), (slow, slow_client)


# A read sent again at once, as a client polling or a page re-rendering does: what the wire answers.
reads = st.tuples(
    st.just("read"),
    st.sampled_from([KARI, KARI, OLA]),
    st.sampled_from(READS[:9]),
    st.sampled_from([{}, {}, {"Host": "other.example:8080"}]),
)
# Sent again with its own X-Request-ID, or with none: then the same bytes every time.
repeated = st.tuples(reads, st.integers(2, 4), st.sampled_from(["own id", "no id"])).map(
    lambda run: [(*run[0], run[2])] * run[1]
)
sequences = st.lists(st.one_of(steps.map(lambda step: [step]), repeated), min_size=1, max_size=12).map(
    lambda runs: [step for run in runs for step in run]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=sequences)
def test_answers_written_at_the_wire_equal_those_made_the_whole_way(
    twins: tuple[t.Any, t.Any], sequence: list[tuple[t.Any, ...]]
) -> None:
    assert_twins_agree(twins, sequence)


@pytest.fixture
def fast(twins: tuple[t.Any, t.Any]) -> tuple[t.Any, httpx.Client]:
    """The mock as the command serves it, its demo sandbox as seeded and without fault rules."""
    (app, client), _ = twins
    headers = {"Authorization": f"Bearer {KARI}"}
    assert client.delete("/__mock/sandbox/faults", headers=headers).status_code < 300
    assert client.post("/__mock/sandbox/reset", headers=headers).status_code < 300
    return app, client


def test_a_repeated_read_is_answered_at_the_wire_with_its_own_id_and_moment(
    fast: tuple[t.Any, httpx.Client],
) -> None:
    fast, client = fast
    wire = fast.wire
    headers = {"Authorization": f"Bearer {KARI}"}
    first = client.get(VEHICLES, headers=headers)
    before = wire.answered
    _Frozen.moment += timedelta(seconds=3)
    again = client.get(VEHICLES, headers=headers)
    own_id = str(uuid.uuid4())
    told = client.get(VEHICLES, headers={**headers, "X-Request-ID": own_id.upper()})
    assert wire.answered == before + 2
    assert again.status_code == told.status_code == first.status_code == 200
    assert again.json()["data"] == first.json()["data"]
    assert (
        again.json()["meta"]["request_id"] == again.headers["x-request-id"] != first.headers["x-request-id"]
    )
    assert again.json()["meta"]["generated_at"] > first.json()["meta"]["generated_at"]
    assert told.headers["x-request-id"] == told.json()["meta"]["request_id"] == own_id
    assert [k for k, _ in again.headers.multi_items()] == [k for k, _ in first.headers.multi_items()]


def test_a_change_in_between_is_seen_by_the_next_read(fast: tuple[t.Any, httpx.Client]) -> None:
    _, client = fast
    headers = {"Authorization": f"Bearer {KARI}"}
    client.get(VEHICLES, headers=headers)
    client.get(VEHICLES, headers=headers)
    changed = client.put(f"{VEHICLES}/BT57225", headers=headers, json={"nickname": "Ny på tråden"})
    after = client.get(VEHICLES, headers=headers)
    assert changed.status_code == 200, changed.text
    assert any(v["nickname"] == "Ny på tråden" for v in after.json()["data"])


def _raw(base_url: str, payload: bytes, expect: int) -> list[bytes]:
    """`payload` written on one connection; the `expect` answers read back, each whole."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(payload)
        data = b""
        answers: list[bytes] = []
        while len(answers) < expect:
            head_end = data.find(b"\r\n\r\n")
            if head_end >= 0:
                head = data[:head_end].decode("latin-1").lower()
                length = int(head.split("content-length: ")[1].split("\r\n")[0])
                if len(data) >= head_end + 4 + length:
                    answers.append(data[: head_end + 4 + length])
                    data = data[head_end + 4 + length :]
                    continue
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        return answers


def _get(path: str, *extra: bytes, version: bytes = b"1.1") -> bytes:
    lines = [
        b"GET " + path.encode() + b" HTTP/" + version,
        b"Host: 127.0.0.1",
        f"Authorization: Bearer {KARI}".encode(),
        *extra,
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n"


@pytest.mark.parametrize(
    "request_bytes",
    [_get(VEHICLES, b"Connection: close"), _get(VEHICLES, version=b"1.0")],
    ids=["connection close", "HTTP/1.0"],
)
def test_a_read_on_a_closing_connection_is_answered_by_the_request_cycle(
    fast: tuple[t.Any, httpx.Client], request_bytes: bytes
) -> None:
    fast, client = fast
    wire = fast.wire
    for _ in range(3):
        (answer,) = _raw(str(client.base_url), request_bytes, 1)
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\nconnection: close\r\n" in answer.lower()
    before = wire.answered
    (answer,) = _raw(str(client.base_url), request_bytes, 1)
    assert wire.answered == before
    assert b'"data":[' in answer


def test_pipelined_reads_are_answered_in_order(fast: tuple[t.Any, httpx.Client]) -> None:
    fast, client = fast
    before = fast.wire.answered
    paths = [
        VEHICLES,
        "/api/co/service-log/list",
        VEHICLES,
        f"{VEHICLES}?registration_number=BT57225",
        VEHICLES,
    ]
    for path in paths:  # kept, and learned by the wire
        client.get(path, headers={"Authorization": f"Bearer {KARI}"})
    ids = [str(uuid.uuid4()) for _ in paths]
    payload = b"".join(
        _get(path, f"X-Request-ID: {rid}".encode()) for path, rid in zip(paths, ids, strict=True)
    )
    answers = _raw(str(client.base_url), payload, len(paths))
    assert len(answers) == len(paths)
    for answer, path, rid in zip(answers, paths, ids, strict=True):
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:200]
        assert f"x-request-id: {rid}\r\n".encode() in answer
        assert f'"request_id":"{rid}"'.encode() in answer
        assert (b'"data":[' in answer) == ("registration_number" not in path)
    assert fast.wire.answered >= before + 1  # those behind one the request cycle answers wait for it


def test_the_same_bytes_again_are_answered_without_parsing_them_with_a_new_id(
    fast: tuple[t.Any, httpx.Client],
) -> None:
    fast, client = fast
    wire = fast.wire
    request = _get(VEHICLES)
    host, port = str(client.base_url).removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        answers = []
        for _ in range(4):
            conn.sendall(request)
            answers.append(_read_one(conn))
    assert wire.by_bytes >= 2  # the first is made, the second learned by its bytes, then known
    ids = [_header(answer, b"x-request-id") for answer in answers]
    assert len(set(ids)) == 4
    for answer, request_id in zip(answers, ids, strict=True):
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b'"request_id":"' + request_id + b'"' in answer
    bodies = [answer.split(b"\r\n\r\n", 1)[1] for answer in answers]
    assert len({body.split(b',"meta":')[0] for body in bodies}) == 1


def test_bytes_of_a_known_read_inside_another_request_body_are_its_body(
    fast: tuple[t.Any, httpx.Client],
) -> None:
    fast, client = fast
    known = _get(VEHICLES)
    for _ in range(3):  # learned, and known by its bytes
        _raw(str(client.base_url), known, 1)
    head = (
        b"PUT /api/co/vehicles/BT57225 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Authorization: Bearer {KARI}\r\nContent-Type: application/json\r\n".encode()
        + f"Content-Length: {len(known)}\r\n\r\n".encode()
    )
    host, port = str(client.base_url).removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(head)
        time.sleep(0.2)  # the head alone first: the body comes in a read of its own
        conn.sendall(known)
        answer = _read_one(conn)
        conn.sendall(known)
        after = _read_one(conn)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
    assert b"INVALID_JSON" in answer or b"VALIDATION_FAILED" in answer
    assert after.startswith(b"HTTP/1.1 200 OK\r\n") and b'"data":[' in after


def _read_one(conn: socket.socket) -> bytes:
    data = b""
    while True:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            length = int(_header(data[: head_end + 2], b"content-length"))
            if len(data) >= head_end + 4 + length:
                assert len(data) == head_end + 4 + length, "more than one answer"
                return data
        chunk = conn.recv(65536)
        assert chunk, "the connection closed"
        data += chunk


def _header(answer: bytes, name: bytes) -> bytes:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    raise AssertionError(f"no {name!r} header")


def test_on_a_shared_store_a_read_answered_at_the_wire_sees_what_another_process_acknowledged() -> None:
    """Two mocks on one database, each served over HTTP: reads sent again and again to one are
    answered at the wire once the store's version check allows it, and the first one after the
    other mock acknowledged a change shows that change."""
    from tests.postgres_support import close_state, fresh_database

    car = f"{VEHICLES}?registration_number=BT57225"
    with fresh_database() as url:
        apps = []
        for _ in range(2):
            settings_ = Settings(state_url=url, reuse_answers=True)
            world, _ = build_seeded_world(settings_)
            apps.append(create_app(settings_, world))
        one, other = apps
        _count_answers(one.wire)
        later = _count_later(one.wire)
        try:
            with _serving(one) as one_url, _serving(other) as other_url:
                reads, behind = [], []
                for nickname in ("Først", "Så", "Til slutt"):
                    before = [_raw(one_url, _get(car), 1)[0] for _ in range(4)]
                    with httpx.Client(base_url=other_url) as client:
                        changed = client.put(
                            f"{VEHICLES}/BT57225",
                            headers={"Authorization": f"Bearer {KARI}"},
                            json={"nickname": nickname},
                        )
                    assert changed.status_code == 200, changed.text
                    (after,) = _raw(one_url, _get(car), 1)
                    reads.append((before, after, nickname))
                    behind.append(_sent_twice(one_url, _get(car)))
        finally:
            close_state(one.world)
            close_state(other.world)
    assert later["answered"] >= 6, later  # each round: the third and fourth read at least
    for before, after, nickname in reads:
        assert all(answer.startswith(b"HTTP/1.1 200 OK\r\n") for answer in (*before, after))
        assert f'"nickname":"{nickname}"'.encode() in after, after[-400:]
        assert len({answer.split(b"\r\n\r\n", 1)[1].split(b',"meta":')[0] for answer in before}) == 1
    for first, second in behind:  # a read that came while the one before waited for the store
        assert first.startswith(b"HTTP/1.1 200 OK\r\n") and second.startswith(b"HTTP/1.1 200 OK\r\n")
        assert _header(first, b"x-request-id") != _header(second, b"x-request-id")


def _sent_twice(base_url: str, request: bytes) -> tuple[bytes, bytes]:
    """`request` written twice on one connection, the second before the first is answered."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        time.sleep(0.0005)
        conn.sendall(request)
        first = _read_exactly_one(conn)
        return first, _read_one(conn)


def _read_exactly_one(conn: socket.socket) -> bytes:
    """One answer, leaving what follows it unread (one byte at a time past its head)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(1)
        assert chunk, "the connection closed"
        data += chunk
    length = int(_header(data, b"content-length"))
    while len(data) < data.index(b"\r\n\r\n") + 4 + length:
        data += conn.recv(data.index(b"\r\n\r\n") + 4 + length - len(data))
    return data


def _count_later(wire: WireAnswers) -> dict[str, int]:
    """How many answers `wire.answer_checked` made after a version check (and how many it left to
    the request cycle)."""
    counts = {"answered": 0, "left": 0}
    answer_checked = wire.answer_checked

    def counted(*args: t.Any) -> bytes | None:
        answer = answer_checked(*args)
        counts["answered" if answer is not None else "left"] += 1
        return answer

    wire.answer_checked = counted  # type: ignore[method-assign]
    return counts


def test_on_a_shared_store_reads_one_version_check_lets_through_each_get_their_own_id() -> None:
    """Many connections send the same read at once to a mock on a shared store, every other one
    with an X-Request-ID of its own (so parsed, not known by its bytes): those one version check
    answers share what they may (the sandbox, the moment) and each gets its own request id — the
    one it sent, where it sent one — and journal entry; a fault rule set between two such bursts
    reaches every read of the next."""
    from tests.postgres_support import close_state, fresh_database

    connections = 12
    with fresh_database() as url:
        settings_ = Settings(state_url=url, reuse_answers=True)
        world, _ = build_seeded_world(settings_)
        app = create_app(settings_, world)
        later = _count_later(app.wire)
        try:
            with _serving(app) as base_url:
                host, port = base_url.removeprefix("http://").split(":")
                conns = [socket.create_connection((host, int(port)), timeout=10) for _ in range(connections)]
                try:
                    for conn in conns:  # learned, then known by its bytes on every connection
                        for _ in range(2):
                            conn.sendall(_get(VEHICLES))
                            _read_one(conn)

                    sent_ids: list[list[str | None]] = []

                    def burst() -> list[bytes]:
                        own = [str(uuid.uuid4()) if n % 2 else None for n in range(connections)]
                        sent_ids.append(own)
                        for conn, request_id in zip(conns, own, strict=True):
                            extra = () if request_id is None else (f"X-Request-ID: {request_id}".encode(),)
                            conn.sendall(_get(VEHICLES, *extra))
                        return [_read_one(conn) for conn in conns]

                    answered_before = later["answered"]
                    together = burst()
                    answered_together = later["answered"] - answered_before
                    auth = {"Authorization": f"Bearer {KARI}"}
                    with httpx.Client(base_url=base_url, headers=auth) as client:
                        rule = {"rule": "GET /api/co/vehicles: error=1:503"}
                        assert client.post("/__mock/sandbox/faults", json=rule).status_code < 300
                        faulted = burst()
                        assert client.delete("/__mock/sandbox/faults").status_code < 300
                        again = burst()
                        journal = client.get("/__mock/sandbox/journal", params={"limit": 100}).json()
                finally:
                    for conn in conns:
                        conn.close()
        finally:
            close_state(world)
    assert answered_together == connections  # every one of the burst at the wire
    assert all(answer.startswith(b"HTTP/1.1 200 OK\r\n") for answer in (*together, *again))
    ids = [_header(answer, b"x-request-id") for answer in together]
    assert len(set(ids)) == connections
    for answers, own in ((together, sent_ids[0]), (again, sent_ids[2])):
        for answer, request_id in zip(answers, own, strict=True):
            assert request_id is None or _header(answer, b"x-request-id") == request_id.encode()
    assert len({answer.split(b"\r\n\r\n", 1)[1].split(b',"meta":')[0] for answer in together}) == 1
    assert all(answer.startswith(b"HTTP/1.1 503") for answer in faulted), faulted[0][:200]
    assert {i.decode() for i in ids} <= {entry["request_id"] for entry in journal["entries"]}
