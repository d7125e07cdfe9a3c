"""A scenario built from a replica of the registry, as a build process builds it, is the sandbox
the world would have built itself, and the world's registry learns what it would have learnt."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.scenarios import scenario_names
from mock_server.app import MockWorld
from mock_server.domain.errors import DomainError
from mock_server.packs.carowner.seeding import FixtureScenarios, build_scenario_state, build_seeded_world
from mock_server.packs.registry import registry_of
from mock_server.settings import Settings
from mock_server.store.json_pieces import from_pieces
from mock_server.store.serialise import sandbox_from_state, sandbox_state

NOW = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


def _world(seed: int) -> MockWorld:
    return build_seeded_world(Settings(seed=seed, demo=False))[0]


def _both_ways(name: str, seed: int, now: datetime) -> tuple[dict | None, dict | None, MockWorld, MockWorld]:
    """(state built here, state built from a replica, the world that built it, the world that
    learnt); None, None when the build is refused (the same way) both ways."""
    here, there = _world(seed), _world(seed)
    token, user_id = "built-elsewhere", uuid4()
    job = there.lifecycle.build_elsewhere(name, token, user_id)
    assert job is not None
    replica, _, _, _, _, _, packs = job.args
    assert packs == tuple(pack.name for pack in there.packs)
    try:
        own = sandbox_state(
            FixtureScenarios(registry_of(here), seed, here.packs).build_at(name, token, user_id, now)
        )
    except ValueError as refused:  # a day the scenario cannot be built on: refused both ways alike
        with pytest.raises(ValueError, match=re.escape(str(refused))):
            job.run(replica, seed, name, token, user_id, now, packs)
        return None, None, here, there
    built = job.run(replica, seed, name, token, user_id, now, packs)
    assert built is not None
    job.learn(built.learnt)
    made = sandbox_from_state(token, user_id, from_pieces(built.state))
    return own, sandbox_state(made), here, there


@pytest.mark.parametrize("name", scenario_names())
def test_every_scenario_built_from_a_replica_is_the_one_built_here(name: str) -> None:
    own, elsewhere, here, there = _both_ways(name, 0, NOW)
    assert own is not None and elsewhere == own
    assert registry_of(there).learned() == registry_of(here).learned()


@settings(max_examples=8)
@given(
    name=st.sampled_from(["demo", "one-car", "family-three-cars", "eu-control-due"]),
    seed=st.integers(0, 2**16),
    days=st.integers(-3000, 3000),
)
def test_any_seed_and_day_builds_the_same_sandbox_from_a_replica(name: str, seed: int, days: int) -> None:
    own, elsewhere, here, there = _both_ways(name, seed, NOW + timedelta(days=days))
    assert elsewhere == own
    if own is not None:  # a refused build in a build process teaches the world nothing
        assert registry_of(there).learned() == registry_of(here).learned()


def test_a_replica_carries_the_owners_the_registry_has_learnt_before() -> None:
    world = _world(0)
    FixtureScenarios(registry_of(world), 0).build_at("family-three-cars", "first-one", uuid4(), NOW)
    learnt = registry_of(world).learned()
    assert learnt.owner_since, "the scenario settles its cars' owners"
    again = build_scenario_state(registry_of(world).replica(), 0, "family-three-cars", "again", uuid4(), NOW)
    assert again is not None
    assert again.learnt.owner_since == {}, "nothing new: the replica knew the owners already"


def test_an_unknown_scenario_from_a_replica_is_the_known_not_found_problem() -> None:
    world = _world(0)
    assert build_scenario_state(registry_of(world).replica(), 0, "no-such", "t", uuid4(), NOW) is None
    job = world.lifecycle.build_elsewhere("one-car", "tok-unknown", UUID(int=1))
    assert job is not None
    with pytest.raises(DomainError) as raised:
        world.lifecycle.built_elsewhere("no-such", "tok-unknown", UUID(int=1), job, None)
    assert raised.value.code == "SCENARIO_NOT_FOUND"


def test_the_scenario_list_is_read_again_only_when_a_file_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    from fixtures import scenarios as fixture_scenarios
    from mock_server.packs.carowner import seeding

    read: list[str] = []
    monkeypatch.setattr(
        seeding, "describe", lambda name: read.append(name) or fixture_scenarios.describe(name)
    )
    source = FixtureScenarios(registry_of(_world(0)), 0)
    first = source.scenarios()
    assert [info.name for info in first] == scenario_names()
    assert source.scenarios() == first and len(read) == len(first), "asked again, nothing read again"
    path = fixture_scenarios.SCENARIO_DIR / "one-car.yaml"
    stat = path.stat()
    try:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        assert source.scenarios() == first and len(read) == 2 * len(first), "a changed file: read again"
    finally:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
