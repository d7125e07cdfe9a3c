"""The request journal on a store several mocks share: read on either mock, a sandbox's journal
lists what both served, newest first, with each rejected request's reason; a mock that has gone
silent costs the reader a short wait, never an error; a deleted sandbox's journal is gone on both."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from mock_server import shared_journal
from tests.integration.controls.conftest import Controls, start_controls
from tests.postgres_support import two_mocks_on_one_database


@pytest.fixture
def pair() -> Iterator[tuple[Controls, Controls]]:
    with two_mocks_on_one_database(start_controls) as mocks:
        yield mocks


def journal(controls: Controls, token: str) -> list[dict]:
    answer = controls.call("GET", "/__mock/sandbox/journal", token)
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"]


def test_either_mock_lists_what_both_served_newest_first(pair: tuple[Controls, Controls]) -> None:
    one, other = pair
    token = one.new_sandbox("one-car")
    served = [
        one.call("GET", "/api/co/vehicles", token),
        other.call("GET", "/api/co/service-log/latest", token, params={"limit": "many"}),
        one.call("GET", "/api/co/service-log/summary", token),
        other.call("GET", "/api/co/vehicles", token),
    ]
    ids = [answer.headers["X-Request-ID"] for answer in served]
    for reader in (one, other):
        entries = journal(reader, token)
        assert [entry["request_id"] for entry in entries] == ids[::-1]
        rejected = entries[2]
        assert (rejected["status"], rejected["validation"]) == (400, "rejected")
        assert rejected["reason"].startswith("parameter 'limit': ")
    assert [e["path"] for e in journal(one, token)[:2]] == ["/api/co/vehicles", "/api/co/service-log/summary"]


def test_a_silent_mock_costs_a_short_wait_not_an_error(
    pair: tuple[Controls, Controls], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other = pair
    monkeypatch.setattr(shared_journal, "ANSWER_WAIT_S", 0.3)
    token = one.new_sandbox()
    one.call("GET", "/api/co/vehicles", token)
    other.call("GET", "/api/co/vehicles", token)
    state = one.world.state
    assert state is not None
    with psycopg.connect(state.url, autocommit=True) as connection:  # a process that died a moment ago
        connection.execute("INSERT INTO minbil_processes VALUES ('gone-process', now())")
    assert len(journal(one, token)) == 2


def test_a_deleted_sandbox_leaves_no_journal_on_either_mock(pair: tuple[Controls, Controls]) -> None:
    one, other = pair
    token = one.new_sandbox(token="journal-again-0001")
    other.call("GET", "/api/co/vehicles", token)
    one.call("GET", "/api/co/vehicles", token)
    assert one.call("DELETE", "/__mock/sandbox", token).status_code == 204
    assert one.client.post("/__mock/sandboxes", json={"token": token}).status_code == 201
    assert journal(other, token) == []
    assert journal(one, token) == []
