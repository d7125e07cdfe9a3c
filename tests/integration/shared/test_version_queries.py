"""The version queries of a shared store, against a real PostgreSQL: any token comes back with its
stored version (and none that is not stored), and a connection the server ends is replaced — a
query out when it ends fails with a database error (the request is a 503), the next ones answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.store.postgres_state import PostgresState
from mock_server.store.version_queries import VersionQueries
from tests.postgres_support import fresh_database

# PostgreSQL text holds any character but NUL.
TOKENS = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=30)


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with fresh_database() as url:
        PostgresState(url).close()  # its tables
        yield url


def store(url: str, versions: dict[str, int]) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DELETE FROM minbil_sandboxes")
        for token, version in versions.items():
            db.execute(
                "INSERT INTO minbil_sandboxes (token, user_id, schema_version, version, state)"
                " VALUES (%s, 'u', 2, %s, '{}')",
                (token, version),
            )


async def ask(queries: VersionQueries, tokens: list[str]) -> dict[str, int] | BaseException:
    answered: asyncio.Future[dict[str, int] | BaseException] = asyncio.get_running_loop().create_future()
    queries.query(tokens, answered.set_result)
    assert not answered.done()  # told later, never while asking
    return await answered


@given(
    stored=st.dictionaries(TOKENS, st.integers(0, 2**62), max_size=6),
    others=st.lists(TOKENS, max_size=4),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_token_comes_back_with_its_stored_version_and_none_that_is_not_stored(
    database: str, stored: dict[str, int], others: list[str]
) -> None:
    store(database, stored)
    asked = [*stored, *others]
    queries = VersionQueries(database)
    try:
        found = asyncio.run(ask(queries, asked))
    finally:
        queries.close()
    assert found == stored


def test_a_connection_the_server_ends_is_replaced(database: str) -> None:
    store(database, {"kari": 7})

    async def scenario() -> list[dict[str, int] | BaseException]:
        queries = VersionQueries(database)
        try:
            outcomes = [await ask(queries, ["kari"])]
            with psycopg.connect(database, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            for _ in range(3):
                outcomes.append(await ask(queries, ["kari"]))
            return outcomes
        finally:
            queries.close()

    first, *after = asyncio.run(scenario())
    assert first == {"kari": 7}
    failed = [outcome for outcome in after if isinstance(outcome, BaseException)]
    assert all(isinstance(error, psycopg.Error) for error in failed)
    assert len(failed) <= 1 and after[-1] == {"kari": 7}


def test_each_event_loop_gets_a_connection_of_its_own(database: str) -> None:
    store(database, {"ola": 3})
    queries = VersionQueries(database)
    try:
        assert asyncio.run(ask(queries, ["ola"])) == {"ola": 3}
        assert asyncio.run(ask(queries, ["ola", "nobody"])) == {"ola": 3}
    finally:
        queries.close()


def test_an_unreachable_database_fails_the_query_with_a_database_error() -> None:
    queries = VersionQueries("postgresql://postgres@127.0.0.1:1/none", connect_timeout=2)
    outcome = asyncio.run(ask(queries, ["kari"]))
    assert isinstance(outcome, psycopg.Error)


def test_a_store_closed_while_its_connection_opens_leaves_none_open(database: str) -> None:
    store(database, {"kari": 1})

    async def scenario() -> dict[str, int] | BaseException:
        queries = VersionQueries(database)
        answered: asyncio.Future[dict[str, int] | BaseException] = asyncio.get_running_loop().create_future()
        queries.query(["kari"], answered.set_result)
        queries.close()  # the mock stops while the first query's connection is being opened
        return await answered

    outcome = asyncio.run(scenario())
    assert isinstance(outcome, psycopg.Error)
    assert _other_connections(database) == 0


def _other_connections(url: str) -> int:
    """Connections to the database but this one, once those just closed have ended (a backend
    leaves pg_stat_activity a moment after its client closed)."""
    with psycopg.connect(url, autocommit=True) as admin:
        for _ in range(50):
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
            assert row is not None
            if row[0] == 0:
                break
            time.sleep(0.05)
        return int(row[0])
