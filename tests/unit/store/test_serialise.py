"""A sandbox as JSON data and back: nothing lost, nothing added, every scenario."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.scenarios import scenario_names
from mock_server.domain.control_models import RegistryFaults
from mock_server.packs.carowner.domain.workshop import WorkshopSide
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.packs.carowner.state import owner_state
from mock_server.packs.registry.state import set_faults
from mock_server.settings import Settings
from mock_server.store.serialise import (
    SCHEMA_VERSION,
    StateVersionError,
    migrate_state,
    sandbox_from_state,
    sandbox_state,
)


@pytest.fixture(scope="module")
def world():
    return build_seeded_world(Settings(seed=5))[0]


def _roundtrip(sandbox):
    state = json.loads(json.dumps(sandbox_state(sandbox)))
    return sandbox_from_state(sandbox.token, sandbox.user_id, state)


@pytest.mark.parametrize("name", scenario_names())
def test_every_scenario_sandbox_survives_json_and_back(world, name: str) -> None:
    sandbox = world.lifecycle.create(name)
    again = _roundtrip(sandbox)
    assert sandbox_state(again) == sandbox_state(sandbox)
    assert list(owner_state(again).service_log) == list(owner_state(sandbox).service_log)


@settings(max_examples=25, deadline=None)
@given(
    minutes=st.integers(0, 10**6),
    down=st.booleans(),
    plates=st.lists(st.sampled_from(["BT57225", "EL42817", "KH60518"]), max_size=3),
)
def test_bookings_notifications_clock_and_faults_survive_json_and_back(
    world, minutes: int, down: bool, plates
) -> None:
    sandbox = world.lifecycle.create("demo", f"ser-{uuid.uuid4().hex}")
    workshop = WorkshopSide()
    for plate in plates:
        booking = workshop.request_booking(sandbox, plate).booking
        assert booking is not None
        workshop.accept(sandbox, booking.id)
        workshop.complete(sandbox, booking.id)
    sandbox.clock.advance(timedelta(minutes=minutes))
    set_faults(sandbox, RegistryFaults(outage=down, scrapped_plates=frozenset(plates)))
    assert sandbox_state(_roundtrip(sandbox)) == sandbox_state(sandbox)


def test_a_state_of_another_version_is_refused(world) -> None:
    sandbox = world.lifecycle.create()
    state = {**sandbox_state(sandbox), "schema_version": SCHEMA_VERSION + 1}
    with pytest.raises(StateVersionError):
        sandbox_from_state(sandbox.token, sandbox.user_id, state)


@pytest.mark.parametrize("version", [0, 3, None, "1", "2"])
def test_migrating_refuses_a_version_it_does_not_know(world, version) -> None:
    state = {**sandbox_state(world.lifecycle.create()), "schema_version": version}
    with pytest.raises(StateVersionError):
        migrate_state(state)


@pytest.mark.parametrize("name", scenario_names())
def test_a_state_of_this_version_is_migrated_to_itself(world, name: str) -> None:
    state = sandbox_state(world.lifecycle.create(name))
    assert migrate_state(state) == state


def test_the_engine_part_of_a_state_names_no_api_but_under_packs(world) -> None:
    state = sandbox_state(world.lifecycle.create("one-car"))
    assert set(state) == {
        "schema_version",
        "display_name",
        "email",
        "origin",
        "clock_offset_us",
        "extras",
        "packs",
    }
    assert set(state["extras"]) == {"fault_rules", "sequence"}
    assert {"vehicles", "links", "service_log", "preferences", "bookings"} <= set(state["packs"]["carowner"])
