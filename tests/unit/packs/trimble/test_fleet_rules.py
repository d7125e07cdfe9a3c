"""The fleet's rules, HTTP-free: uniqueness, partial success, renames, sorting, the stored form."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mock_server.packs.base import FleetCar
from mock_server.packs.trimble.fleet import (
    ALLOWED,
    TrimbleState,
    add_vehicles,
    modified_on,
    seed_fleet,
    sorted_vehicles,
    update_vehicles,
)

NOW = datetime(2026, 3, 2, 8, 15, 42, 70000, tzinfo=UTC)
texts = st.text(alphabet="abAB01-_ .", min_size=1, max_size=4)
items = st.lists(st.fixed_dictionaries({"vehicleId": texts, "Name": texts}), max_size=12)


@given(st.lists(items, max_size=4))
def test_ids_and_names_stay_unique_and_every_vehicle_sent_is_added_or_named(batches: list) -> None:
    state = TrimbleState()
    for batch in batches:
        before = set(state.vehicles)
        outcome = add_vehicles(state, batch, NOW)
        error = outcome.error or {}
        added = [v.vehicle_id for v in outcome.data]
        assert len(added) + len(error.get("duplicate_ids", [])) + len(
            error.get("duplicate_names", [])
        ) == len(batch)
        assert set(added).isdisjoint(before)
        assert (outcome.error is None) == (len(added) == len(batch))
        names = [v.name for v in state.vehicles.values()]
        assert len(set(names)) == len(names)
    ids = [v.id for v in state.vehicles.values()]
    assert len(set(ids)) == len(ids)


@given(items, items)
def test_a_rename_changes_exactly_the_known_ids_whose_new_name_is_free(first: list, renames: list) -> None:
    state = TrimbleState()
    add_vehicles(state, first, NOW)
    known = set(state.vehicles)
    outcome = update_vehicles(state, renames, NOW + timedelta(seconds=1))
    missing = [item["vehicleId"] for item in renames if item["vehicleId"] not in known]
    assert (outcome.error or {}).get("ids_not_found", []) == missing
    assert set(state.vehicles) == known
    for vehicle in outcome.data:
        assert vehicle.modified_on == "2026-03-02T08:15:43.07"
    names = [v.name for v in state.vehicles.values()]
    assert len(set(names)) == len(names)


@given(items, st.sampled_from(["vehicleId", "vehicleName"]), st.sampled_from(["ASC", "DESC"]))
def test_sorting_orders_case_insensitively_in_the_direction_asked(
    batch: list, expression: str, direction: str
) -> None:
    state = TrimbleState()
    add_vehicles(state, batch, NOW)
    ordered = sorted_vehicles(state.vehicles.values(), expression, direction)
    keys = [(v.name if expression == "vehicleName" else v.vehicle_id).casefold() for v in ordered]
    assert keys == sorted(keys, reverse=direction == "DESC")
    assert sorted(v.id for v in ordered) == sorted(v.id for v in state.vehicles.values())


@given(st.lists(items, max_size=3))
def test_the_stored_form_gives_the_same_fleet_back(batches: list) -> None:
    state = TrimbleState()
    for batch in batches:
        add_vehicles(state, batch, NOW)
    again = TrimbleState.from_json(state.to_json())
    assert again == state and again.to_json() == state.to_json()


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_modified_on_has_no_offset_and_no_trailing_zeros(now: datetime) -> None:
    text = modified_on(now)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,2}[1-9])?", text), text
    assert datetime.fromisoformat(text) == now.replace(
        tzinfo=None, microsecond=now.microsecond // 1000 * 1000
    )


def test_the_seeded_fleet_names_each_car_by_vin_plate_make_and_model_grouped_by_kind() -> None:
    cars = [
        FleetCar("EK40117", "YS2R4X20005399412", "Scania", "R 450", "truck", 2021, "Diesel"),
        FleetCar("EL73220", "WV1ZZZSYZM9012345", "Volkswagen", "Crafter", "van", 2022, "Elektrisk"),
    ]
    state = TrimbleState()
    seed_fleet(state, cars)
    listed = [v.listed() for v in state.vehicles.values()]
    assert [(v["vehicleId"], v["name"]) for v in listed] == [
        ("YS2R4X20005399412", "EK40117 Scania R 450"),
        ("WV1ZZZSYZM9012345", "EL73220 Volkswagen Crafter"),
    ]
    assert [v["vehicleGroups"][0]["vehicleGroupName"] for v in listed] == ["Lastebiler", "Varebiler"]
    assert all(ALLOWED.match(v["name"]) for v in listed)
