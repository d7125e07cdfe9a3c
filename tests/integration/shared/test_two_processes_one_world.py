"""Two mocks on one PostgreSQL database serve one world: random request sequences sent to either of
them, alternately, get the answers one mock in memory (the model) gives to the same sequence; and
after each step, a read on the other mock sees what was acknowledged.

Each mock is a world of its own (its own sandboxes in memory, its own connections), sharing nothing
with the other but the database, as two processes do."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.settings import Settings
from tests.integration.controls.conftest import Controls, start_controls
from tests.integration.controls.test_snapshots import steps
from tests.postgres_support import close_state, fresh_database

READS = (
    ("GET", "/api/co/vehicles", None, None),
    ("GET", "/api/co/vehicles/primary", None, None),
    ("GET", "/api/co/settings/notifications", None, None),
    ("GET", "/api/co/service-log/list", None, None),
    ("GET", "/__mock/sandbox/bookings", None, None),
    ("GET", "/__mock/sandbox/faults", None, None),
)
both_kinds = st.one_of(steps, st.sampled_from(READS))
_VOLATILE = [
    (re.compile(r'"request_id": ?"[^"]*"'), '"request_id":"-"'),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"), "<time>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "<day>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
]


class Mocks:
    """Two mocks sharing a database, and the model: one mock in memory."""

    def __init__(self, one: Controls, other: Controls, model: Controls) -> None:
        self.pair, self.model = (one, other), model
        self.tokens = (f"two-proc-{n:04d}" for n in itertools.count())

    def __repr__(self) -> str:
        return "Mocks(two on one database, one in memory)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@pytest.fixture(scope="module")
def mocks() -> Iterator[Mocks]:
    with fresh_database() as url:
        # As the command serves: a pure read's answer kept, for the stored version it is of.
        one, other = (
            start_controls(Settings(state_url=url, demo=False, reuse_answers=True)) for _ in range(2)
        )
        model = start_controls(Settings(demo=False))
        with one.client, other.client, model.client:
            yield Mocks(one, other, model)
        close_state(one.world)
        close_state(other.world)


def _answer(controls: Controls, token: str, step: tuple[str, str, Any, Any]) -> tuple[int, str]:
    method, path, body, query = step
    answer = controls.call(method, path, token, json=body, params=query)
    text = answer.text
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return answer.status_code, text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(done=st.lists(st.tuples(st.integers(0, 1), both_kinds), min_size=1, max_size=10))
def test_either_mock_answers_as_one_mock_in_memory_would(mocks: Mocks, done: list) -> None:
    token = next(mocks.tokens)
    create = ("POST", "/__mock/sandboxes", {"scenario": "one-car", "token": token}, None)
    assert _answer(mocks.pair[0], "-", create)[0] == _answer(mocks.model, "-", create)[0] == 201
    for which, step in done:
        served, other = mocks.pair[which], mocks.pair[1 - which]
        assert _answer(served, token, step) == _answer(mocks.model, token, step), step
        for read in READS[:3]:  # what was acknowledged is what the other mock serves next
            assert _answer(other, token, read) == _answer(mocks.model, token, read), (step, read)
