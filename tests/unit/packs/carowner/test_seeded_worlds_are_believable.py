"""Every seeded world, at any size, reads like real cars: one odometer per car across its owners, real
yearly mileage and workshop rates, jobs that fit the car's powertrain, and one ownership story
between the registry and the history. Checked over every scenario file, the demo owner, seeds and days."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.car_profile import CarProfile
from fixtures.history import MIN_DAYS_BETWEEN_VISITS
from fixtures.providers import MAX_KM_PER_YEAR, MIN_KM_PER_YEAR
from fixtures.scenarios import scenario_names
from fixtures.service_catalogue import TIMING_BELT_EVERY_KM, TIMING_BELT_JOB, fits, job_for_description
from mock_server.packs.carowner.seeding import FixtureWorkshops, SeededHistory, car_profile, scenario_sandbox
from mock_server.packs.carowner.state import owner_state
from mock_server.packs.registry.mapping import to_registry_data
from mock_server.packs.registry.service import RegistryService
from mock_server.store.sandbox import Sandbox

MOST_VISITS_IN_A_YEAR = 7  # two tyre changes, service, EU-kontroll, repairs, one pushed over New Year
MOST_VISITS_PER_YEAR_ON_AVERAGE = 4.0
SLACK_KM = 5  # rounding of single steps hidden behind readings without mileage

days = st.dates(date(2025, 7, 1), date(2030, 12, 31))
seeds = st.integers(0, 2**31)
LARGE = {"ten-thousand-logs"}
small_worlds = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
large_worlds = settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build(name: str, seed: int, today: date) -> tuple[Sandbox, RegistryService, datetime]:
    registry = RegistryService()
    now = datetime.combine(today, time(11), tzinfo=UTC)
    return scenario_sandbox(registry, seed, name, "t", uuid4(), now), registry, now


def readings_of(sandbox: Sandbox, plate: str) -> list[tuple[date, int, str]]:
    """(day, km, who) of every visit of one car with a mileage, oldest first, across its owners."""
    earlier = [
        (h.service_date, h.mileage_km, "earlier")
        for h in owner_state(sandbox).vehicles[plate].earlier_owner_history
        if h.mileage_km is not None
    ]
    own = [
        (e.service_date, e.mileage_km, "own") for e in owner_state(sandbox).service_log if e.plate == plate
    ]
    return earlier + sorted((r for r in own if r[1] is not None), key=lambda r: r[0])  # type: ignore[misc]


def assert_believable(sandbox: Sandbox, registry: RegistryService, now: datetime) -> None:
    today = now.date()
    car_years, own_visits = 0.0, 0
    log_by_plate: dict[str, list] = {}
    for entry in owner_state(sandbox).service_log:
        log_by_plate.setdefault(entry.plate, []).append(entry)
    for plate, link in owner_state(sandbox).links.items():
        record = registry.record_for_plate(plate, today)
        assert record is not None, plate
        car = car_profile(record)
        earlier = owner_state(sandbox).vehicles[plate].earlier_owner_history
        own = sorted(log_by_plate.get(plate, []), key=lambda e: e.service_date)

        # One odometer across owners: it never goes down, and runs at a real yearly pace.
        readings = readings_of(sandbox, plate)
        assert [km for _, km, _ in readings] == sorted(km for _, km, _ in readings), plate
        for (day_a, km_a, _), (day_b, km_b, _) in pairwise(readings):
            span = (day_b - day_a).days
            assert span >= 1 and km_b > km_a, (plate, day_a, day_b)
            assert MIN_KM_PER_YEAR * span / 365 - SLACK_KM <= km_b - km_a, (plate, day_a, day_b)
            assert km_b - km_a <= MAX_KM_PER_YEAR * span / 365 + SLACK_KM, (plate, day_a, day_b)
        if readings and car.first_registration is not None:
            age_years = max((readings[-1][0] - car.first_registration).days, 1) / 365
            assert readings[-1][1] <= MAX_KM_PER_YEAR * age_years + 100, plate

        # Visits: a few days apart, a handful a year, never more than a workshop year holds.
        visits = sorted([h.service_date for h in earlier] + [e.service_date for e in own])
        assert all((b - a).days >= MIN_DAYS_BETWEEN_VISITS for a, b in pairwise(visits)), plate
        assert max(Counter(day.year for day in visits).values(), default=0) <= MOST_VISITS_IN_A_YEAR, plate
        car_years += (today - link.linked_at.date()).days / 365
        own_visits += len(own)

        # Jobs and their invoice lines fit the car's fuel, engine and cylinders.
        for description, items in [(h.description, None) for h in earlier] + [
            (e.description, e.items) for e in own
        ]:
            assert_fits(car, description, [item.description for item in items or []], plate)
        belts = [e for e in [*earlier, *own] if e.description == TIMING_BELT_JOB]
        if belts:
            assert car.has_engine and all((e.mileage_km or 0) >= TIMING_BELT_EVERY_KM for e in belts), plate
            assert len(belts) <= readings[-1][1] // TIMING_BELT_EVERY_KM, plate

        # One ownership story: the registry's owner-since is after every earlier owner's visit, no
        # later than the link, and before the owner's own visits.
        owner_since = car.owner_since
        assert owner_since is not None, plate
        assert owner_since <= link.linked_at.date(), (plate, owner_since, link.linked_at)
        assert all(h.service_date < owner_since for h in earlier), (plate, owner_since)
        assert all(e.service_date > owner_since for e in own), (plate, owner_since)
    if car_years >= 10:  # enough years of driving for the average to say something
        assert 1.0 <= own_visits / car_years <= MOST_VISITS_PER_YEAR_ON_AVERAGE, own_visits / car_years


def assert_fits(car: CarProfile, description: str, items: list[str], plate: str) -> None:
    job = job_for_description(description)
    assert job is not None and job.fits(car), (plate, car.fuel, description)
    for text in items:
        item = job.item_for(text)
        assert item is not None and fits(item.needs, car), (plate, car.fuel, description, text)
        plugs = re.fullmatch(r"Tennplugger \(([0-9]+) stk\)", text)
        if plugs:
            assert car.spark_ignition and int(plugs.group(1)) == car.cylinders, (plate, car, text)


@pytest.mark.parametrize("name", sorted(set(scenario_names()) - LARGE))
@small_worlds
@given(seed=seeds, today=days)
def test_every_scenario_world_is_believable(name: str, seed: int, today: date) -> None:
    assert_believable(*build(name, seed, today))


@pytest.mark.parametrize("name", sorted(LARGE))
@large_worlds
@given(seed=seeds, today=days)
def test_large_scenario_worlds_are_believable_at_their_size(name: str, seed: int, today: date) -> None:
    sandbox, registry, now = build(name, seed, today)
    assert len(owner_state(sandbox).service_log) == 10_000
    assert_believable(sandbox, registry, now)


def test_ten_thousand_logs_reach_their_size_with_many_cars_not_busy_ones() -> None:
    sandbox, _, now = build("ten-thousand-logs", 0, date(2026, 6, 1))
    per_car = Counter(entry.plate for entry in owner_state(sandbox).service_log)
    assert len(per_car) >= 200
    days_owned = {plate: (now - link.linked_at).days for plate, link in owner_state(sandbox).links.items()}
    same_day = Counter((e.plate, e.service_date) for e in owner_state(sandbox).service_log)
    assert max(same_day.values()) == 1
    assert max(e.mileage_km or 0 for e in owner_state(sandbox).service_log) < 500_000
    assert all(per_car[plate] <= 5 * (days + 365) / 365 for plate, days in days_owned.items())


def test_the_demo_cars_tell_one_ownership_story_with_the_registry() -> None:
    sandbox, registry, now = build("demo", 0, date(2026, 6, 1))
    for plate in ("BT57225", "EL42817", "KH60518"):
        record = registry.record_for_plate(plate, now.date())
        assert record is not None
        since = record["registrering"]["registrertForstegangPaEierskap"]
        assert since[:10] == owner_state(sandbox).links[plate].linked_at.date().isoformat(), plate
    assert_believable(sandbox, registry, now)


def test_a_car_linked_later_keeps_the_history_its_earlier_owners_left() -> None:
    sandbox, _, now = build("ten-thousand-logs", 3, date(2026, 2, 1))
    readings = readings_of(sandbox, "TB45679")
    owners = [who for _, _, who in readings]
    assert "own" in owners and owners == sorted(owners)  # earlier owners first, then the owner
    assert [km for _, km, _ in readings] == sorted(km for _, km, _ in readings)
    assert now - owner_state(sandbox).links["TB45679"].linked_at > timedelta(days=2000)


plates = st.from_regex(r"\A[A-HJ-NPR-Z]{2}[0-9]{5}\Z") | st.sampled_from(["TESLA1", "NORGE", "HYTTE7"])


@settings(max_examples=25, deadline=None)
@given(plate=plates, today=days)
def test_a_newly_linked_cars_history_ends_when_the_registry_says_it_was_bought(
    plate: str, today: date
) -> None:
    registry = RegistryService()
    record = registry.record_for_plate(plate, today)
    assert record is not None
    car = car_profile(record)
    history = SeededHistory(0, registry).earlier_owner_history(plate, to_registry_data(record), today)
    assert car.owner_since is not None
    assert all(entry.service_date < car.owner_since for entry in history)
    for entry in history:
        assert_fits(car, entry.description, [], plate)


@settings(max_examples=25, deadline=None)
@given(fuel=st.sampled_from(["petrol", "diesel", "electric", "hybrid", "plug_in_hybrid"]), seed=seeds)
def test_a_completed_booking_bills_what_fits_the_cars_fuel(fuel: str, seed: int) -> None:
    workshops = FixtureWorkshops(0)
    description = workshops.periodic_service(fuel == "electric", 60_000, seed, fuel)
    items = workshops.items_for(description, seed, fuel)
    car = CarProfile(fuel, None if fuel == "electric" else 4)  # type: ignore[arg-type]
    assert_fits(car, description, [item.description for item in items], fuel)
