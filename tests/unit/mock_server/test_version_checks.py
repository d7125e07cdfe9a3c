"""The batched version checks of a shared store: requests in flight together share one query, and a
request never takes the answer of a query sent before it arrived (read your writes)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.shared_state import VersionChecks


class FakeQueries:
    """Stored versions; each query answers what was stored when it was sent, once released."""

    def __init__(self) -> None:
        self.versions: dict[str, int] = {}
        self.queries: list[list[str]] = []
        self.release = asyncio.Event()
        self.fail: Exception | None = None
        self._answering: set[asyncio.Task[None]] = set()

    def query(self, tokens: list[str], done: Any) -> None:
        seen = {t: self.versions[t] for t in tokens if t in self.versions}  # as of sending
        self.queries.append(tokens)

        async def answer() -> None:
            await self.release.wait()
            done(self.fail if self.fail is not None else seen)

        task = asyncio.get_running_loop().create_task(answer())
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@given(st.lists(st.sampled_from(["a", "b", "c", "gone"]), min_size=1, max_size=40))
@settings(max_examples=50, deadline=None)
def test_requests_in_flight_together_share_one_query(tokens: list[str]) -> None:
    async def scenario() -> None:
        store = FakeQueries()
        store.versions = {"a": 1, "b": 2, "c": 3}
        checks = VersionChecks(store)
        asking = [asyncio.create_task(checks.of(token)) for token in tokens]
        await asyncio.sleep(0)
        store.release.set()
        answers = await asyncio.gather(*asking)
        assert answers == [store.versions.get(token) for token in tokens]
        assert len(store.queries) == 1 and sorted(store.queries[0]) == sorted(set(tokens))

    run(scenario())


def test_a_request_that_came_while_a_query_was_out_waits_for_the_next_one() -> None:
    async def scenario() -> None:
        store = FakeQueries()
        store.versions = {"a": 1}
        checks = VersionChecks(store)
        before = asyncio.create_task(checks.of("a"))
        while not store.queries:  # the first query is out, with version 1
            await asyncio.sleep(0)
        store.versions["a"] = 2  # another process commits a change and acknowledges it
        after = asyncio.create_task(checks.of("a"))
        await asyncio.sleep(0)
        store.release.set()
        assert (await before, await after) == (1, 2)
        assert store.queries == [["a"], ["a"]]

    run(scenario())


def test_a_failed_query_fails_its_requests_and_the_next_one_asks_again() -> None:
    async def scenario() -> None:
        store = FakeQueries()
        store.versions = {"a": 1}
        store.fail = ConnectionError("database away")
        checks = VersionChecks(store)
        store.release.set()
        with pytest.raises(ConnectionError):
            await checks.of("a")
        store.fail = None
        assert await checks.of("a") == 1

    run(scenario())


def test_a_caller_that_fails_on_its_answer_does_not_keep_it_from_the_others() -> None:
    async def scenario() -> None:
        store = FakeQueries()
        store.versions = {"a": 1}
        store.release.set()
        checks = VersionChecks(store)
        told: list[object] = []

        def broken(outcome: object) -> None:
            raise RuntimeError("a request's own bug")

        checks.then("a", broken)
        checks.then("a", told.append)
        assert await checks.of("a") == 1
        assert told == [1] and len(store.queries) == 1

    run(scenario())


def test_nobody_is_told_before_asking_returns() -> None:
    async def scenario() -> None:
        store = FakeQueries()
        store.release.set()
        checks = VersionChecks(store)
        told: list[object] = []
        checks.then("gone", told.append)
        assert told == []  # the query is sent once the loop has read what came with this one
        await checks.of("gone")
        assert told == [None]

    run(scenario())


def test_the_next_query_goes_out_before_the_answered_requests_are_told() -> None:
    async def scenario() -> None:
        store = FakeQueries()
        store.versions = {"a": 1}
        checks = VersionChecks(store)
        queries_out_when_told: list[int] = []
        checks.then("a", lambda outcome: queries_out_when_told.append(len(store.queries)))
        while not store.queries:  # the first query is out
            await asyncio.sleep(0)
        checks.then("a", lambda outcome: None)  # came while it was out: waits for the next
        store.release.set()
        while not queries_out_when_told:
            await asyncio.sleep(0)
        assert queries_out_when_told == [2]  # the second was sent before the first batch was told

    run(scenario())
