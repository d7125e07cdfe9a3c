"""Two mocks on one PostgreSQL database writing one sandbox in turn, row by row: each writes what
changed against what it loaded, so whatever the other wrote in between is kept, and a mock that
starts afterwards loads exactly what the last writer holds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.settings import Settings
from mock_server.store.serialise import sandbox_state
from tests.integration.controls.conftest import start_controls
from tests.integration.controls.test_persistence import _run, log_steps
from tests.postgres_support import close_state, fresh_database


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(done=st.lists(st.tuples(st.integers(0, 1), log_steps), min_size=2, max_size=12))
def test_writes_alternating_between_two_mocks_lose_nothing(done: list) -> None:
    with fresh_database() as url:
        pair = [start_controls(Settings(state_url=url, demo=False)) for _ in range(2)]
        with pair[0].client, pair[1].client:
            token = pair[0].new_sandbox("one-car")
            for which, step in done:
                served = pair[which]
                served.call("GET", "/__mock/sandbox/bookings", token)  # brought up to date first
                _run(served, token, step)
            last = pair[done[-1][0]]
            held = sandbox_state(last.sandbox(token))
            other = pair[1 - done[-1][0]]
            other.call("GET", "/__mock/sandbox/bookings", token)
            assert sandbox_state(other.sandbox(token)) == held
        for controls in pair:
            close_state(controls.world)
        fresh = start_controls(Settings(state_url=url, demo=False))
        with fresh.client:
            assert sandbox_state(fresh.sandbox(token)) == held
        close_state(fresh.world)
