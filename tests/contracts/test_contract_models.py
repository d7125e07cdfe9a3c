"""The plain models the state machines compare the server with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.machines.garage_model import GarageModel, LinkedVehicle
from contracts.machines.preferences import CHANNELS, EVENTS, merged, poisoned
from contracts.timestamps import timestamp

START = datetime(2026, 2, 12, 10, 0, tzinfo=UTC)
minutes = st.integers(min_value=0, max_value=500)


def _garage(updates: list[tuple[int, int]]) -> GarageModel:
    garage = GarageModel()
    for index, (linked, updated) in enumerate(updates):
        plate = f"CV1000{index}"
        garage.linked[plate] = LinkedVehicle(
            plate, None, None, START + timedelta(minutes=linked), START + timedelta(minutes=linked + updated)
        )
    garage.primary = "CV10000"
    return garage


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(minutes, minutes), min_size=2, max_size=6))
def test_fallback_candidates_are_the_most_recently_updated_remaining_vehicles(
    updates: list[tuple[int, int]],
) -> None:
    garage = _garage(updates)
    candidates = garage.fallback_candidates("CV10000")
    remaining = [vehicle for plate, vehicle in garage.linked.items() if plate != "CV10000"]
    newest = max(vehicle.updated_at for vehicle in remaining)
    assert candidates
    assert all(garage.linked[plate].updated_at == newest for plate in candidates)


def test_removing_the_only_vehicle_leaves_no_candidate() -> None:
    assert _garage([(0, 0)]).fallback_candidates("CV10000") == set()


def test_removing_primary_records_the_promoted_vehicle_and_blames_the_fallback_rule() -> None:
    garage = _garage([(0, 0), (1, 0), (2, 0)])
    garage.unlink("CV10000", "CV10002")
    assert garage.primary == "CV10002"
    assert garage.primary_rule == "semantics.primary-fallback"


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(EVENTS), st.dictionaries(st.sampled_from(CHANNELS), st.booleans())))
def test_a_partial_update_changes_only_the_given_pairs(patch: dict[str, dict[str, bool]]) -> None:
    current = {event: {"email": True, "push": True} for event in EVENTS}
    result = merged(current, patch)
    for event in EVENTS:
        for channel in CHANNELS:
            assert result[event][channel] == patch.get(event, {}).get(channel, True)


def test_a_poisoned_update_flips_real_values_so_a_partial_write_would_show() -> None:
    current = {event: {"email": True, "push": False} for event in EVENTS}
    patch = poisoned(current, [("message.new", "push"), ("booking.declined", "email")], "unknown-event")
    assert patch["message.new"]["push"] is True and patch["booking.declined"]["email"] is False
    assert "booking.cancelled" in patch


def test_timestamps_compare_as_instants_whatever_their_offset() -> None:
    assert timestamp("2026-02-12T10:00:00Z") == timestamp("2026-02-12T11:00:00+01:00")
