"""Builds a MockWorld and fills it with the seeded demo users from fixtures/."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fixtures.demo import KARI_CARS, DemoUser, build_demo_world
from fixtures.history import earlier_owner_history_for_plate

from .app import MockWorld, build_world
from .domain.models import HistoryEntry, RegistryData, VehicleLink, VehicleRecord
from .settings import Settings
from .store.sandbox import Sandbox
from .vegvesen.mapping import to_registry_data

DEMO_PLATES = tuple(car.plate for car in KARI_CARS)


class SeededHistory:
    """Gives a newly linked used car a plausible history from its earlier owners, stable per plate."""

    def __init__(self, seed: int) -> None:
        self._seed = seed

    def earlier_owner_history(self, plate: str, registry: RegistryData, today: date) -> list[HistoryEntry]:
        first = registry.first_registration_date or today
        return earlier_owner_history_for_plate(plate, first, today, seed=self._seed)


def seed_demo_user(world: MockWorld, user: DemoUser, now: datetime) -> Sandbox:
    sandbox = world.sandboxes.add(
        Sandbox(token=user.token, user_id=user.user_id, display_name=user.display_name, email=user.email)
    )
    for vehicle in user.vehicles:
        record = world.registry.record_for_plate(vehicle.plate, today=now.date())
        linked_at = now - timedelta(days=vehicle.linked_days_ago)
        sandbox.vehicles[vehicle.plate] = VehicleRecord(
            plate=vehicle.plate,
            registry=to_registry_data(record),
            registry_refreshed_at=linked_at,
            earlier_owner_history=list(user.earlier_owner_history.get(vehicle.plate, [])),
        )
        sandbox.links[vehicle.plate] = VehicleLink(
            plate=vehicle.plate,
            linked_at=linked_at,
            updated_at=linked_at,
            nickname=vehicle.nickname,
            is_primary=vehicle.plate == user.primary_plate,
        )
    for entry in user.service_log:
        sandbox.service_log.add(entry)
    return sandbox


def _registry_dates(world: MockWorld, now: datetime) -> dict[str, date]:
    """When the registry says each demo car was first registered, so histories fit the car."""
    dates: dict[str, date] = {}
    for plate in DEMO_PLATES:
        record = world.registry.record_for_plate(plate, today=now.date())
        registered = to_registry_data(record).first_registration_date if record else None
        if registered is not None:
            dates[plate] = registered
    return dates


def build_seeded_world(settings: Settings) -> tuple[MockWorld, list[tuple[str, str]]]:
    """The world the CLI serves, and (token, who) for each demo user to print at start-up."""
    world = build_world(settings, history=SeededHistory(settings.seed))
    tokens: list[tuple[str, str]] = []
    if settings.demo:
        now = datetime.now(UTC)
        for user in build_demo_world(
            settings.seed, today=now.date(), first_registrations=_registry_dates(world, now)
        ):
            sandbox = seed_demo_user(world, user, now)
            vehicles = len(sandbox.links)
            tokens.append(
                (
                    user.token,
                    f"{user.display_name}: {vehicles} vehicle(s), "
                    f"{len(sandbox.service_log)} service log entries",
                )
            )
    return world, tokens
