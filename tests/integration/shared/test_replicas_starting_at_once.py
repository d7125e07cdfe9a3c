"""Replicas started at once on an empty database: one seeds the demo world, the others serve it.

The interleaving that loses work without the seeding lock is made on purpose: the first mock has
built its world and found the database empty when a second one seeds the database whole."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from mock_server.packs.carowner import seeding
from mock_server.packs.carowner.state import owner_state
from mock_server.settings import Settings
from tests.postgres_support import close_state, fresh_database


def test_a_mock_that_finds_the_world_seeded_meanwhile_serves_that_world(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_build_world = seeding.build_world
    others: list[Any] = []

    def build_world_then_another_replica_seeds(*args: Any, **kwargs: Any) -> Any:
        world = real_build_world(*args, **kwargs)
        if not others:  # the first replica's world is built: now a second replica starts and seeds
            others.append(None)
            others[0] = seeding.build_seeded_world(Settings(state_url=url))
        return world

    with fresh_database() as url:
        monkeypatch.setattr(seeding, "build_world", build_world_then_another_replica_seeds)
        first, first_tokens = seeding.build_seeded_world(Settings(state_url=url))
        second, second_tokens = others[0]
        try:
            assert sorted(first_tokens) == sorted(second_tokens) and len(first_tokens) == 3
            for token, _ in first_tokens:
                mine, theirs = first.sandboxes.peek(token), second.sandboxes.peek(token)
                assert mine is not None and theirs is not None
                assert mine.user_id == theirs.user_id
                assert [e.id for e in owner_state(mine).service_log] == [
                    e.id for e in owner_state(theirs).service_log
                ]
                assert sorted(mine.snapshots) == sorted(theirs.snapshots) == ["start"]
            with psycopg.connect(url) as connection:
                versions = connection.execute("SELECT token, version FROM minbil_sandboxes").fetchall()
            # Written once, by the replica that seeded: nobody's world was written over.
            assert {version for _, version in versions} == {1}
        finally:
            close_state(first)
            close_state(second)
