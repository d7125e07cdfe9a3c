"""The fast lane and reused answers change nothing a client or the journal can see.

Two mocks from the same seed, on the same frozen wall clock: one as the command serves (the fast
lane, and answers of pure reads sent again while nothing changed), one whose every request takes
the whole middleware stack and is answered anew. Both are sent the same generated sequences of
reads (with and without the headers that send a request the long way), changes through the API and
the controls (links, the primary, preferences, workshop events, resets, fault rules), moves of the
sandbox clock and of the wall clock; every answer — status, headers in order, body bytes — and
every journal entry must be the same.
"""

from __future__ import annotations

import dataclasses
import typing as t
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mock_server.app import create_app
from mock_server.direct import DirectPathMiddleware, FastLaneMiddleware
from mock_server.domain import clock as clock_module
from mock_server.packs.carowner import seeding
from mock_server.packs.carowner.domain import workshop
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings
from tests.integration.controls.conftest import start_controls
from tests.postgres_support import two_mocks_on_one_database

KARI, OLA = "demo-kari", "demo-ola"
READS = [
    "/api/co/vehicles",
    "/api/co/vehicles?registration_number=BT57225",
    "/api/co/vehicles?reg=el42817",
    "/api/co/vehicles?registration_number=AB12345",
    "/api/co/service-log/list",
    "/api/co/service-log/list?page=2&page_size=5",
    "/api/co/service-log/list?registration_number=BT57225",
    "/api/co/service-log/latest?limit=3",
    "/api/co/service-log/summary",
    "/api/co/service-log/summary?date_from=2024-01-01&date_to=2023-01-01",
    "/api/co/service-log/messages/1001",
    "/api/co/realtime/config",
]
HEADER_VARIANTS: list[dict[str, str]] = [
    {},
    {},
    {"Origin": "https://app.example"},
    {"Prefer": "code=404"},
    {"Content-Length": "0"},
    {"X-Request-ID": "not-a-uuid"},
    {"Host": "other.example:8080"},
]
CHANGES: list[tuple[str, str, t.Any]] = [
    ("POST", "/api/co/vehicles/set-primary", {"registration_number": "EL42817"}),
    ("POST", "/api/co/vehicles/set-primary", {"registration_number": "BT57225"}),
    ("PUT", "/api/co/settings/notifications", {"message.new": {"email": False, "push": True}}),
    ("DELETE", "/api/co/vehicles?registration_number=KH60518", None),
    ("POST", "/api/co/vehicles", {"registration_number": "KH60518", "nickname": "Igjen"}),
    ("PUT", "/api/co/vehicles/BT57225", {"nickname": "Golfen"}),
    (
        "POST",
        "/__mock/sandbox/workshop-events",
        {"type": "message.new", "service_log_id": 1001, "body": "Hei"},
    ),
    ("POST", "/__mock/sandbox/clock", {"minutes": 16}),
    ("POST", "/__mock/sandbox/clock", {"days": 40}),
    ("POST", "/__mock/sandbox/faults", {"rule": "GET /api/co/vehicles: error=0.5:503"}),
    ("DELETE", "/__mock/sandbox/faults", None),
    ("POST", "/__mock/sandbox/reset", None),
]


class _Frozen(datetime):
    """The wall clock the sandbox clocks read, moved only by the test."""

    moment = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    @classmethod
    def now(cls, tz: t.Any = None) -> datetime:  # type: ignore[override]
        return cls.moment if tz is not None else cls.moment.replace(tzinfo=None)


class _Ids:
    """New message ids (random in the mock), the same sequence in both mocks for each step."""

    step = ""
    made = 0

    @classmethod
    def start(cls, step: str) -> None:
        cls.step, cls.made = step, 0

    @classmethod
    def uuid4(cls) -> uuid.UUID:
        cls.made += 1
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{cls.step}/{cls.made}")


@pytest.fixture(scope="module")
def twins() -> Iterator[tuple[t.Any, t.Any]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock_module, "datetime", _Frozen)
        patch.setattr(seeding, "datetime", _Frozen)  # the seeded and the reset worlds' moment
        patch.setattr(workshop, "uuid4", _Ids.uuid4)
        fast, slow = _mock(fast=True), _mock(fast=False)
        with (
            TestClient(fast, raise_server_exceptions=False) as fast_client,
            TestClient(slow, raise_server_exceptions=False) as slow_client,
        ):
            (lane,) = _layers(slow, FastLaneMiddleware)
            lane.on = False  # every request the whole way, every answer made anew
            yield (fast, fast_client), (slow, slow_client)


def _mock(*, fast: bool) -> t.Any:
    settings_ = Settings(reuse_answers=fast, seed=7)
    world, _ = build_seeded_world(settings_)
    return create_app(settings_, world)


def _layers(app: t.Any, kind: type) -> list[t.Any]:
    return [layer for layer in app.middleware.middleware_stack if isinstance(layer, kind)]


steps = st.one_of(
    st.tuples(
        st.just("read"),
        st.sampled_from([KARI, KARI, KARI, OLA]),
        st.sampled_from(READS),
        st.sampled_from(HEADER_VARIANTS),
    ),
    st.tuples(st.just("change"), st.sampled_from([KARI, KARI, OLA]), st.sampled_from(CHANGES)),
    st.tuples(st.just("wall clock"), st.integers(0, 90_000_000)),  # microseconds
)


def _send(
    client: TestClient, step: tuple[t.Any, ...], request_id: str | None
) -> tuple[int, list[tuple[str, str]], bytes]:
    """None: no X-Request-ID (each mock makes its own)."""
    headers = {} if request_id is None else {"X-Request-ID": request_id}
    if step[0] == "read":
        _, token, url, extra = step
        headers.update({"Authorization": f"Bearer {token}", **extra})
        response = client.get(url, headers=headers)
    else:
        _, token, (method, url, body) = step
        headers["Authorization"] = f"Bearer {token}"
        response = client.request(method, url, headers=headers, json=body)
    answer = response.content
    random_id = response.headers.get("x-request-id", "")
    if random_id != request_id:  # the client's id was not a UUID: each mock made its own
        answer = answer.replace(random_id.encode(), b"<id>")
    raw = [
        (key, "<id>" if key == "x-request-id" and value != request_id else value)
        for key, value in response.headers.multi_items()
        if key != "date"
    ]
    return response.status_code, raw, answer


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(steps, min_size=1, max_size=25))
def test_reused_and_fast_answers_equal_those_made_the_whole_way(
    twins: tuple[t.Any, t.Any], sequence: list[tuple[t.Any, ...]]
) -> None:
    assert_twins_agree(twins, sequence)


def assert_twins_agree(twins: tuple[t.Any, t.Any], sequence: list[tuple[t.Any, ...]]) -> None:
    """Each step sent to both mocks (each with its client) gets the same answer, and the journals
    agree after. A step may end in "own id" (the default: a new X-Request-ID of its own) or "no id"
    (none: each mock makes one)."""
    (fast, fast_client), (slow, slow_client) = twins
    sent: set[str] = set()
    for step in sequence:
        if step[0] == "wall clock":
            _Frozen.moment += timedelta(microseconds=step[1])
            continue
        request_id: str | None = str(uuid.uuid4())
        sent.add(t.cast(str, request_id))
        if step[-1] in ("own id", "no id"):
            request_id = request_id if step[-1] == "own id" else None
            step = step[:-1]
        _Ids.start(str(request_id))
        fast_answer = _send(fast_client, step, request_id)
        _Ids.start(str(request_id))
        slow_answer = _send(slow_client, step, request_id)
        assert fast_answer == slow_answer, (step, _first_difference(fast_answer[2], slow_answer[2]))
    for token in (KARI, OLA):
        assert _journal(fast, token, sent) == _journal(slow, token, sent)


def _first_difference(one: bytes, other: bytes) -> tuple[bytes, bytes]:
    at = next(
        (i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other))
    )
    return one[max(0, at - 80) : at + 80], other[max(0, at - 80) : at + 80]


def _journal(app: t.Any, token: str, sent: set[str]) -> list[tuple[t.Any, ...]]:
    """The entries as a client reads them, but the moment they were written and how long they took
    (and a request id a mock made itself)."""
    kept = []
    for entry in app.world.journal.entries(token):
        facts = dataclasses.asdict(entry)
        del facts["at"], facts["duration_ms"]
        if facts["request_id"] not in sent:
            facts["request_id"] = "<id>"
        kept.append(facts)
    return kept


def test_a_plain_read_is_served_by_the_fast_lane_and_asked_again_reuses_its_answer() -> None:
    settings_ = Settings(reuse_answers=True)
    world, _ = build_seeded_world(settings_)
    app = create_app(settings_, world)
    with TestClient(app) as client:
        (lane,) = _layers(app, FastLaneMiddleware)
        assert lane.on
        handler_calls = _count_handler_calls(app, "getVehicles")
        lane.app = _refusing  # nothing below the fast lane is asked
        first = client.get("/api/co/vehicles", headers={"Authorization": "Bearer demo-kari"})
        second = client.get("/api/co/vehicles", headers={"Authorization": "Bearer demo-kari"})
    assert first.status_code == second.status_code == 200
    assert first.json()["data"] == second.json()["data"] and first.json()["meta"] != second.json()["meta"]
    assert second.json()["meta"]["request_id"] == second.headers["x-request-id"]
    assert len(handler_calls) == 1


def _count_handler_calls(app: t.Any, operation_id: str) -> list[dict[str, t.Any]]:
    """The arguments of each call of an operation's handler from here on (the direct path's)."""
    calls: list[dict[str, t.Any]] = []
    (direct,) = _layers(app, DirectPathMiddleware)
    (operation,) = [o for o in direct.direct.operations if o.operation_id == operation_id]
    handler = operation.handler

    async def counted(**kwargs: t.Any) -> t.Any:
        calls.append(kwargs)
        return await handler(**kwargs)

    operation.handler = counted
    return calls


async def _refusing(scope: t.Any, receive: t.Any, send: t.Any) -> None:
    raise AssertionError(f"taken the long way: {scope['method']} {scope['path']}")


def test_the_fast_lane_stands_aside_for_a_stack_it_does_not_know() -> None:
    settings_ = Settings(planted_faults=frozenset({"summary-miscounts"}), validate_responses=False)
    world, _ = build_seeded_world(settings_)
    app = create_app(settings_, world)
    with TestClient(app) as client:
        (lane,) = _layers(app, FastLaneMiddleware)
        assert (
            client.get("/api/co/vehicles", headers={"Authorization": "Bearer demo-kari"}).status_code == 200
        )
    assert not lane.on


def test_on_a_shared_store_the_fast_lane_reads_what_another_process_changed() -> None:
    car = "/api/co/vehicles?registration_number=BT57225"
    with two_mocks_on_one_database(start_controls, reuse_answers=True) as (one, other):
        (lane,) = _layers(one.client.app, FastLaneMiddleware)
        assert lane.on
        handled = _count_handler_calls(one.client.app, "getVehicles")
        before = one.call("GET", car, KARI)
        kept = one.call("GET", car, KARI)  # the same stored version: the kept answer
        lane.app = _refusing  # from here on nothing above the store's refresh is asked
        changed = other.call("PUT", "/api/co/vehicles/BT57225", KARI, json={"nickname": "Fra den andre"})
        after = one.call("GET", car, KARI)
        again = one.call("GET", car, KARI)
    assert changed.status_code == 200, changed.text
    assert (
        before.json()["data"] == kept.json()["data"] and before.json()["data"]["nickname"] != "Fra den andre"
    )
    assert after.status_code == 200 and after.json()["data"]["nickname"] == "Fra den andre"
    assert again.json()["data"] == after.json()["data"]
    assert len(handled) == 2  # once for each stored version
    assert (
        after.headers["vary"] == "Origin"
        and after.json()["meta"]["request_id"] == after.headers["x-request-id"]
    )
