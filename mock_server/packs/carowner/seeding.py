"""Builds a MockWorld and fills it from fixtures/: the seeded demo users and the named scenarios.

The only module of the mock that imports fixtures/. Scenarios reach the rest of the mock through
`FixtureScenarios` (a ScenarioSource) and the workshop side through `FixtureWorkshops`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from fixtures.car_profile import CarProfile, profile_for, profile_from_fuel_type
from fixtures.demo import KARI_CARS, KARI_TOKEN, OLA_TOKEN, DemoUser, build_demo_world, demo_cars
from fixtures.fleet_owner import FLEET, FLEET_SCENARIO, FLEET_TOKEN, FLEET_USER_ID, TRUCKS, VANS
from fixtures.history import earlier_owner_history_for_plate, plate_seed
from fixtures.providers import make_faker, vehicle_data
from fixtures.scenarios import SCENARIO_DIR, ScenarioWorld, describe, load_scenario, scenario_names
from fixtures.workshops import HOME_WORKSHOP_ORG_NR, workshop_by_org_nr

from ...app import MockWorld, build_world, load_stored_world
from ...domain.control_models import RegistryFaults
from ...domain.sandboxes import BuildElsewhere, Built, ScenarioInfo
from ...settings import Settings
from ...store.json_pieces import to_pieces
from ...store.sandbox import Sandbox
from ...store.serialise import sandbox_state
from ..base import ApiPack, FleetCar, pack_state
from ..installed import PACKS, served_packs
from ..registry import registry_of
from ..registry.commercial import CommercialVehicle, commercial_record
from ..registry.mapping import to_registry_data
from ..registry.record_edits import (
    deregistered,
    scrapped,
    set_owner_since,
    with_new_owner,
    with_periodic_control,
)
from ..registry.registry_data import RegistryData
from ..registry.service import RegistryService
from ..registry.state import set_faults as set_registry_faults
from .domain.models import HistoryEntry, ServiceItem, VehicleLink, VehicleRecord, Workshop
from .domain.notifications import update_preferences
from .services import CarOwnerOptions
from .state import owner_state

DEMO_PLATES = tuple(car.plate for car in KARI_CARS)
DEMO_TOKENS = (KARI_TOKEN, OLA_TOKEN, FLEET_TOKEN)
START_SNAPSHOT = "start"
_STATUS_EDITS = {"scrapped": scrapped, "deregistered": deregistered, "owner_changed": with_new_owner}


@contextmanager
def paused_garbage_collection() -> Iterator[None]:
    """A world of 10 000 entries is a few hundred thousand new objects that all stay alive:
    collecting garbage while they are made only walks them again and again (half the build time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class RegistryCars:
    """What the registry fake says about each car, looked up once per plate for one build."""

    def __init__(self, registry: RegistryService, today: date) -> None:
        self._registry = registry
        self._today = today
        self._records: dict[str, dict[str, Any] | None] = {}
        self._profiles: dict[str, CarProfile | None] = {}

    def record(self, plate: str) -> dict[str, Any] | None:
        if plate not in self._records:
            self._records[plate] = self._registry.record_for_plate(plate, today=self._today)
        return self._records[plate]

    def __call__(self, plate: str) -> CarProfile | None:
        if plate not in self._profiles:
            record = self.record(plate)
            self._profiles[plate] = car_profile(record) if record is not None else None
        return self._profiles[plate]

    def settle_owner(self, plate: str, since: date) -> None:
        """The seeded owner bought the car on `since`: the registry says so from now on."""
        self._registry.record_owner_since(plate, since)
        record = self.record(plate)
        if record is not None and since <= self._today:  # as the registry answers from now on
            set_owner_since(record, since)
            self._profiles.pop(plate, None)


def car_profile(record: dict[str, Any]) -> CarProfile:
    """Fuel, cylinders, first registration and owner-since of a registry record."""
    data = to_registry_data(record)
    drivetrain = record.get("godkjenning", {}).get("tekniskGodkjenning", {}).get("tekniskeData", {})
    engines = [m for m in drivetrain.get("motorOgDrivverk", {}).get("motor", []) if m.get("antallSylindre")]
    owner_since = record.get("registrering", {}).get("registrertForstegangPaEierskap")
    profile = profile_from_fuel_type(data.fuel_type, engines[0]["antallSylindre"] if engines else None)
    return CarProfile(
        profile.fuel,
        profile.cylinders,
        first_registration=data.first_registration_date,
        owner_since=date.fromisoformat(owner_since[:10]) if owner_since else None,
    )


class SeededHistory:
    """Gives a newly linked used car a plausible history from its earlier owners, stable per plate:
    up to the day the registry says the current owner bought it, with jobs that fit the car."""

    def __init__(self, seed: int, registry: RegistryService | None = None) -> None:
        self._seed = seed
        self.registry = registry  # the fake's raw record tells cylinders and owner-since

    def earlier_owner_history(self, plate: str, registry: RegistryData, today: date) -> list[HistoryEntry]:
        first = registry.first_registration_date or today
        record = self.registry.record_for_plate(plate, today) if self.registry else None
        car = car_profile(record) if record else profile_from_fuel_type(registry.fuel_type)
        until = car.owner_since or today  # bought new: no earlier owners, no history of theirs
        return earlier_owner_history_for_plate(plate, first, today, seed=self._seed, car=car, until=until)


class FixtureWorkshops:
    """The workshop catalogue and price list of fixtures/, for the simulated workshop side."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._faker = make_faker(seed)

    def workshop(self, org_nr: str) -> Workshop | None:
        return workshop_by_org_nr(org_nr)

    def default_workshop(self) -> Workshop | None:
        return workshop_by_org_nr(HOME_WORKSHOP_ORG_NR)

    def items_for(self, description: str, seed: int, fuel_type: str | None = None) -> list[ServiceItem]:
        self._faker.seed_instance(plate_seed(description, self._seed + seed))
        car = profile_from_fuel_type(fuel_type) if fuel_type else None
        return vehicle_data(self._faker).service_items(description, car=car)

    def periodic_service(
        self, electric: bool, mileage_km: int, seed: int, fuel_type: str | None = None
    ) -> str:
        self._faker.seed_instance(plate_seed("periodic", self._seed + seed))
        car = profile_from_fuel_type(fuel_type) if fuel_type else profile_for(electric)
        return (
            vehicle_data(self._faker).service_job(kind="periodic", mileage_km=mileage_km, car=car).description
        )


class FixtureScenarios:
    """The scenarios of fixtures/scenarios/, built into sandboxes with the world's registry."""

    def __init__(self, registry: RegistryService, seed: int, packs: tuple[ApiPack, ...] = ()) -> None:
        self._registry = registry
        self._seed = seed
        self._packs = packs  # the fleet APIs served: a fleet scenario seeds each
        self._listed: tuple[tuple[tuple[str, int], ...], list[ScenarioInfo]] = ((), [])

    def scenarios(self) -> list[ScenarioInfo]:
        """Read again only when a file was added, removed or changed: every create asks, on the
        event loop, and parsing them all takes milliseconds."""
        files = tuple((path.name, path.stat().st_mtime_ns) for path in sorted(SCENARIO_DIR.glob("*.yaml")))
        if files != self._listed[0]:
            self._listed = files, [ScenarioInfo(name, *describe(name)) for name in scenario_names()]
        return list(self._listed[1])

    def build(self, name: str, token: str, user_id: UUID) -> Sandbox:
        return self.build_at(name, token, user_id, datetime.now(UTC))

    def build_at(self, name: str, token: str, user_id: UUID, now: datetime) -> Sandbox:
        if name not in scenario_names():
            raise KeyError(name)
        return scenario_sandbox(self._registry, self._seed, name, token, user_id, now, packs=self._packs)

    def elsewhere(self, name: str, token: str, user_id: UUID) -> BuildElsewhere | None:
        """`build` for another process: the registry goes along as it is now, what the build
        teaches it comes back; the packs go by name (None: one is not installed, so a process of
        its own could not make it)."""
        if not all(pack in PACKS for pack in self._packs):
            return None
        replica = self._registry.replica()
        packs = tuple(pack.name for pack in self._packs)
        args = (replica, self._seed, name, token, user_id, datetime.now(UTC), packs)
        return BuildElsewhere(build_scenario_state, args, self._registry.learn)


class _Replicas:
    """In a build process: the one registry replica, kept from build to build so the records it
    generated stay cached (a reset builds the same fleet again)."""

    registry: RegistryService | None = None


def build_scenario_state(
    replica: bytes,
    seed: int,
    name: str,
    token: str,
    user_id: UUID,
    now: datetime,
    packs: tuple[str, ...] = (),
) -> Built | None:
    """In a build process: scenario `name` built as `FixtureScenarios.build_at` builds it with the
    registry `replica` was taken of; None when there is no such scenario."""
    if _Replicas.registry is None:
        _Replicas.registry = RegistryService()
    registry = _Replicas.registry
    registry.adopt(replica)
    before = registry.learned()
    try:
        served = tuple(pack for wanted in packs for pack in PACKS if pack.name == wanted)
        sandbox = FixtureScenarios(registry, seed, served).build_at(name, token, user_id, now)
    except KeyError:
        return None
    with paused_garbage_collection():
        return Built(to_pieces(sandbox_state(sandbox)), registry.learned_since(before))


def scenario_sandbox(
    registry: RegistryService,
    seed: int,
    name: str,
    token: str,
    user_id: UUID,
    now: datetime,
    identity: tuple[str, str] | None = None,
    packs: tuple[ApiPack, ...] = (),
) -> Sandbox:
    """A sandbox filled from scenario `name`; `identity` (name, e-mail) keeps a demo user's own."""
    with paused_garbage_collection():
        return _scenario_sandbox(registry, seed, name, token, user_id, now, identity, packs)


def _scenario_sandbox(
    registry: RegistryService,
    seed: int,
    name: str,
    token: str,
    user_id: UUID,
    now: datetime,
    identity: tuple[str, str] | None,
    packs: tuple[ApiPack, ...] = (),
) -> Sandbox:
    today = now.date()
    cars = RegistryCars(registry, today)
    scenario = load_scenario(name, seed=seed, today=today, cars=cars)
    display_name, email = identity or (scenario.display_name, scenario.email)
    if scenario.base == "fleet":
        sandbox = Sandbox(token=token, user_id=user_id, display_name=display_name, email=email)
        seed_fleet_packs(sandbox, packs, fleet_cars(registry, today))
    elif scenario.base == "demo":
        kari = build_demo_world(seed, today=today, cars=cars)[0]
        sandbox = _demo_sandbox(cars, kari, now, token, user_id)
        sandbox.display_name, sandbox.email = identity or (kari.display_name, kari.email)
    else:
        sandbox = Sandbox(token=token, user_id=user_id, display_name=display_name, email=email)
        _fill(cars, sandbox, scenario, now)
    if scenario.registry_faults:
        set_registry_faults(sandbox, RegistryFaults.from_dict(scenario.registry_faults))
    update_preferences(sandbox, scenario.preferences)
    return sandbox


def _fill(cars: RegistryCars, sandbox: Sandbox, scenario: ScenarioWorld, now: datetime) -> None:
    for vehicle in scenario.vehicles:
        if vehicle.owner_since is not None:
            cars.settle_owner(vehicle.plate, vehicle.owner_since)
        record = cars.record(vehicle.plate)
        if record is None:
            raise ValueError(f"scenario {scenario.name}: the registry has no car {vehicle.plate}")
        if vehicle.registry_status is not None:
            record = _STATUS_EDITS[vehicle.registry_status](record, now - timedelta(days=30))
        if vehicle.eu_control_due is not None:
            record = with_periodic_control(
                record, vehicle.eu_control_due, vehicle.eu_control_due - timedelta(days=730)
            )
        _place_linked(
            sandbox,
            vehicle.plate,
            record,
            now - timedelta(days=vehicle.linked_days_ago),
            vehicle.nickname,
            vehicle.primary,
            scenario.earlier_owner_history.get(vehicle.plate, []),
        )
    for entry in scenario.service_log:
        owner_state(sandbox).service_log.add(entry)


def _place_linked(
    sandbox: Sandbox,
    plate: str,
    record: dict[str, Any],
    linked_at: datetime,
    nickname: str | None,
    primary: bool,
    history: list[HistoryEntry],
) -> None:
    """A vehicle already linked since `linked_at`, as seeded worlds start."""
    owner_state(sandbox).vehicles[plate] = VehicleRecord(
        plate=plate,
        registry=to_registry_data(record),
        registry_refreshed_at=linked_at,
        earlier_owner_history=list(history),
    )
    owner_state(sandbox).links[plate] = VehicleLink(
        plate=plate, linked_at=linked_at, updated_at=linked_at, nickname=nickname, is_primary=primary
    )


def _demo_sandbox(cars: RegistryCars, user: DemoUser, now: datetime, token: str, user_id: UUID) -> Sandbox:
    sandbox = Sandbox(
        token=token, user_id=user_id, display_name=user.display_name, email=user.email, origin="demo"
    )
    for car in demo_cars(now.date(), cars) if user.vehicles else ():
        cars.settle_owner(car.plate, car.owner_since(now.date()))
    for vehicle in user.vehicles:
        record = cars.record(vehicle.plate)
        _place_linked(
            sandbox,
            vehicle.plate,
            record,
            now - timedelta(days=vehicle.linked_days_ago),
            vehicle.nickname,
            vehicle.plate == user.primary_plate,
            user.earlier_owner_history.get(vehicle.plate, []),
        )
    for entry in user.service_log:
        owner_state(sandbox).service_log.add(entry)
    return sandbox


def seed_demo_user(world: MockWorld, user: DemoUser, now: datetime) -> Sandbox:
    sandbox = _demo_sandbox(RegistryCars(registry_of(world), now.date()), user, now, user.token, user.user_id)
    if not user.vehicles:
        sandbox.origin = "empty"
    owner_state(sandbox).checked_until = now
    return world.sandboxes.add(sandbox)


def build_seeded_world(settings: Settings) -> tuple[MockWorld, list[tuple[str, str]]]:
    """The world the CLI serves, and (token, who) for each demo user to print at start-up.

    With a state file that already holds a world, that world is restored instead of seeding anew."""
    history = SeededHistory(settings.seed)
    packs = served_packs(settings.apis)
    world = build_world(
        settings,
        scenarios=lambda world: FixtureScenarios(registry_of(world), settings.seed, packs),
        pack_options={"carowner": CarOwnerOptions(history, FixtureWorkshops(settings.seed))},
    )
    registry = registry_of(world)
    if settings.registry_url is None:  # the fake's records are the ones vehicles are linked from
        history.registry = registry
    # The fleet's vans and trucks are the registry's from the start, a restored world's too.
    register_fleet_records(registry, datetime.now(UTC).date())
    if settings.demo:
        # Shared by everyone: reset and restored by anyone, deleted or made anew only by the operator.
        for token in DEMO_TOKENS:
            world.lifecycle.protect(token, snapshots=[START_SNAPSHOT])
    if world.state is None:
        return world, _seed(world, settings, packs)
    # Replicas started at once on an empty database: the first seeds, the others load its world.
    with world.state.seeding():
        if not world.state.seeded:
            return world, _seed(world, settings, packs)
    if not world.restored:  # seeded by another process while this one started
        load_stored_world(world)
    tokens = [(s.token, _who(s)) for s in world.sandboxes if s.token in DEMO_TOKENS]
    world.demo_tokens = tuple(token for token, _ in tokens)
    return world, tokens


def _seed(world: MockWorld, settings: Settings, packs: tuple[ApiPack, ...]) -> list[tuple[str, str]]:
    """The demo users (and the fleet owner) made, snapshotted as `start` and written to the store."""
    tokens: list[tuple[str, str]] = []
    if settings.demo:
        now = datetime.now(UTC)
        kari, ola = build_demo_world(
            settings.seed, today=now.date(), cars=RegistryCars(registry_of(world), now.date())
        )
        if settings.scenario is not None:
            world.sandboxes.add(_scenario_demo_user(world, settings, kari, now))
        else:
            seed_demo_user(world, kari, now)
        fleet = scenario_sandbox(
            registry_of(world),
            settings.seed,
            FLEET_SCENARIO,
            FLEET_TOKEN,
            FLEET_USER_ID,
            now,
            packs=world.packs,
        )
        fleet.origin = FLEET_SCENARIO  # a reset builds the fleet again
        owner_state(fleet).checked_until = now
        world.sandboxes.add(fleet)
        seeded = (world.sandboxes.by_token(kari.token), seed_demo_user(world, ola, now), fleet)
        for sandbox in seeded:
            assert sandbox is not None
            # The seeded world under a name: POST /__mock/sandbox/snapshots/start/restore goes back.
            world.lifecycle.snapshot(sandbox, START_SNAPSHOT, operator=True)
            tokens.append((sandbox.token, _who(sandbox)))
    if world.state is not None:
        world.state.sync(world.sandboxes, [], world.images.all())
        world.state.mark_seeded()
    world.demo_tokens = tuple(token for token, _ in tokens)
    return tokens


def _scenario_demo_user(world: MockWorld, settings: Settings, kari: DemoUser, now: datetime) -> Sandbox:
    """`--scenario NAME`: the demo owner's token and identity, the scenario's world."""
    assert settings.scenario is not None
    if settings.scenario not in scenario_names():
        raise ValueError(f"unknown scenario {settings.scenario!r}; known: {', '.join(scenario_names())}")
    sandbox = scenario_sandbox(
        registry_of(world),
        settings.seed,
        settings.scenario,
        kari.token,
        kari.user_id,
        now,
        (kari.display_name, kari.email),
    )
    sandbox.origin = settings.scenario
    owner_state(sandbox).checked_until = now
    return sandbox


def register_fleet_records(registry: RegistryService, today: date) -> None:
    """The demo fleet's vans and trucks as explicit registry records (the fake makes cars only)."""
    for spec in (*TRUCKS, *VANS):
        vehicle = CommercialVehicle(
            plate=spec.plate,
            vin=spec.vin,
            make=spec.make,
            make_code=spec.make_code,
            manufacturer=spec.manufacturer,
            model=spec.model,
            type_code=spec.type_code,
            technical_code=spec.technical_code,
            first_registered=spec.first_registered,
            fuel=spec.fuel,
            power_kw=spec.power_kw,
            curb_weight_kg=spec.curb_weight_kg,
            total_weight_kg=spec.total_weight_kg,
            trailer_weight_kg=spec.trailer_weight_kg,
            seats=spec.seats,
        )
        registry.register_record(commercial_record(vehicle, today))


def fleet_cars(registry: RegistryService, today: date) -> list[FleetCar]:
    """The demo fleet as the registry describes it: each plate's VIN, make, model, year and fuel."""
    cars = []
    for vehicle in FLEET:
        record = registry.record_for_plate(vehicle.plate, today)
        if record is None:
            raise ValueError(f"the registry has no vehicle {vehicle.plate} of the demo fleet")
        data = to_registry_data(record)
        year = data.first_registration_date.year if data.first_registration_date else today.year
        cars.append(
            FleetCar(vehicle.plate, data.vin, data.make, data.model, vehicle.kind, year, data.fuel_name or "")
        )
    return cars


def seed_fleet_packs(sandbox: Sandbox, packs: tuple[ApiPack, ...], cars: list[FleetCar]) -> None:
    """Every fleet API's part of the sandbox filled with the same cars."""
    for pack in packs:
        if pack.seed_fleet is not None:
            pack.seed_fleet(pack_state(sandbox, pack), cars)


def _who(sandbox: Sandbox) -> str:
    if sandbox.origin == FLEET_SCENARIO:
        return f"{sandbox.display_name}: the demo fleet owner, {len(FLEET)} vehicles in the fleet APIs"
    scenario = "" if sandbox.origin in ("demo", "empty") else f" [scenario {sandbox.origin}]"
    return (
        f"{sandbox.display_name}: {len(owner_state(sandbox).links)} vehicle(s), "
        f"{len(owner_state(sandbox).service_log)} service log entries{scenario}"
    )
