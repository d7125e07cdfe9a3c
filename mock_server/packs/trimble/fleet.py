"""The fleet of one sandbox as Trimble's vehicles API sees it, and its rules: HTTP-free.

Vehicles are kept in the order they were added; `Id`s are handed out from a counter of the
sandbox, so the same calls give the same ids in every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

FIRST_ID = 304950
ALLOWED = re.compile(r"^[A-Za-z0-9\-_=+*#! .,()`~?]+$")
DUPLICATES = "The request finished without adding duplicate vehicleIds for the Partner"
NOT_FOUND = "The request finished without updating non-existent vehicleIds"
NAMES_IN_USE = "The request finished without updating vehicles whose names are in use"


@dataclass(frozen=True)
class Group:
    id: int
    name: str


@dataclass
class Vehicle:
    id: int
    vehicle_id: str
    name: str
    modified_on: str
    groups: tuple[Group, ...] = ()

    def changed(self) -> dict[str, Any]:
        """As the add and update calls answer it (their casing)."""
        return {
            "Id": self.id,
            "Name": self.name,
            "VehicleId": self.vehicle_id,
            "ModifiedOn": self.modified_on,
        }

    def listed(self) -> dict[str, Any]:
        """As the list answers it (its casing)."""
        item: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "vehicleId": self.vehicle_id,
            "modifiedOn": self.modified_on,
        }
        if self.groups:
            item["vehicleGroups"] = [
                {"vehicleGroupId": g.id, "vehicleGroupName": g.name} for g in self.groups
            ]
        return item


@dataclass
class TrimbleState:
    """The pack's part of a sandbox: the fleet's vehicles by vehicle ID, in the order added."""

    vehicles: dict[str, Vehicle] = field(default_factory=dict)
    next_id: int = FIRST_ID

    def to_json(self) -> dict[str, Any]:
        return {
            "next_id": self.next_id,
            "vehicles": [
                {
                    "id": v.id,
                    "vehicle_id": v.vehicle_id,
                    "name": v.name,
                    "modified_on": v.modified_on,
                    "groups": [[g.id, g.name] for g in v.groups],
                }
                for v in self.vehicles.values()
            ],
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> TrimbleState:
        state = cls(next_id=int(raw.get("next_id", FIRST_ID)))
        for item in raw.get("vehicles", []):
            groups = tuple(Group(int(gid), str(name)) for gid, name in item.get("groups", []))
            vehicle = Vehicle(item["id"], item["vehicle_id"], item["name"], item["modified_on"], groups)
            state.vehicles[vehicle.vehicle_id] = vehicle
        return state

    def name_owner(self, name: str) -> Vehicle | None:
        return next((v for v in self.vehicles.values() if v.name == name), None)


def modified_on(now: datetime) -> str:
    """UTC wall-clock time, no offset, milliseconds with trailing zeros left out (as the real API)."""
    utc = now.astimezone(UTC) if now.tzinfo else now
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    millis = f"{utc.microsecond // 1000:03d}".rstrip("0")
    return f"{text}.{millis}" if millis else text


@dataclass(frozen=True)
class Outcome:
    """What an add or update call did: the vehicles changed, and the error object, if any."""

    data: list[Vehicle]
    error: dict[str, Any] | None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.error is not None:
            body["error"] = self.error
        body["data"] = [v.changed() for v in self.data]
        return body


@dataclass(frozen=True)
class Faults:
    """The planted faults that change the fleet's rules (mock_server/packs/trimble/faults.py)."""

    duplicate_overwrites: bool = False
    names_not_unique: bool = False
    update_unknown_creates: bool = False


def add_vehicles(
    state: TrimbleState, items: Sequence[Mapping[str, str]], now: datetime, faults: Faults = Faults()
) -> Outcome:
    stamp = modified_on(now)
    added: list[Vehicle] = []
    duplicate_ids: list[str] = []
    duplicate_names: list[str] = []
    for item in items:
        vehicle_id, name = item["vehicleId"], item["Name"]
        existing = state.vehicles.get(vehicle_id)
        if existing is not None:
            if faults.duplicate_overwrites:
                existing.name, existing.modified_on = name, stamp
                added.append(existing)
            else:
                duplicate_ids.append(vehicle_id)
            continue
        if state.name_owner(name) is not None and not faults.names_not_unique:
            duplicate_names.append(name)
            continue
        vehicle = Vehicle(state.next_id, vehicle_id, name, stamp)
        state.next_id += 1
        state.vehicles[vehicle_id] = vehicle
        added.append(vehicle)
    error: dict[str, Any] | None = None
    if duplicate_ids or duplicate_names:
        error = {"message": DUPLICATES, "code": -12}
        if duplicate_ids:
            error["duplicate_ids"] = duplicate_ids
        if duplicate_names:
            error["duplicate_names"] = duplicate_names
    return Outcome(added, error)


def update_vehicles(
    state: TrimbleState, items: Sequence[Mapping[str, str]], now: datetime, faults: Faults = Faults()
) -> Outcome:
    stamp = modified_on(now)
    updated: list[Vehicle] = []
    not_found: list[str] = []
    names_in_use: list[str] = []
    for item in items:
        vehicle_id, name = item["vehicleId"], item["Name"]
        vehicle = state.vehicles.get(vehicle_id)
        if vehicle is None:
            if faults.update_unknown_creates:
                outcome = add_vehicles(state, [item], now)
                updated.extend(outcome.data)
            else:
                not_found.append(vehicle_id)
            continue
        owner = state.name_owner(name)
        if owner is not None and owner is not vehicle:
            names_in_use.append(name)
            continue
        vehicle.name, vehicle.modified_on = name, stamp
        if vehicle not in updated:
            updated.append(vehicle)
    error: dict[str, Any] | None = None
    if not_found:
        error = {"message": NOT_FOUND, "code": -11, "ids_not_found": not_found}
    elif names_in_use:
        error = {"message": NAMES_IN_USE, "code": -12}
    if error is not None and names_in_use:
        error["duplicate_names"] = names_in_use
    return Outcome(updated, error)


def delete_vehicle(state: TrimbleState, vehicle_id: str) -> bool:
    return state.vehicles.pop(vehicle_id, None) is not None


SORT_KEYS = {
    "vehicleName": lambda v: (v.name.casefold(), v.id),
    "vehicleId": lambda v: (v.vehicle_id.casefold(), v.id),
}


def sorted_vehicles(vehicles: Iterable[Vehicle], expression: str, direction: str) -> list[Vehicle]:
    return sorted(vehicles, key=SORT_KEYS[expression], reverse=direction == "DESC")


GROUPS = {
    "truck": Group(770001, "Lastebiler"),
    "van": Group(770002, "Varebiler"),
    "car": Group(770003, "Personbiler"),
    "bus": Group(770004, "Busser"),
}
SEEDED_AT = datetime(2025, 11, 3, 7, 30, tzinfo=UTC)


def fleet_name(car: Any) -> str:
    """A seeded vehicle's name: its plate, make and model as the registry gives them."""
    return f"{car.plate} {car.make} {car.model}"


def seed_fleet(state: TrimbleState, cars: Sequence[Any]) -> None:
    """The demo fleet: vehicle ID the VIN, name plate + make + model, grouped by kind; each car
    registered a minute after the one before, so the seeded world is the same in every run."""
    for index, car in enumerate(cars):
        name = fleet_name(car)
        for text in (car.vin, name):
            if not ALLOWED.match(text):
                raise ValueError(f"{text!r} has characters the Trimble API does not allow")
        stamp = modified_on(SEEDED_AT.replace(minute=30 + index % 30, second=index * 7 % 60))
        group = GROUPS.get(car.kind)
        vehicle = Vehicle(state.next_id, car.vin, name, stamp, (group,) if group else ())
        state.next_id += 1
        state.vehicles[vehicle.vehicle_id] = vehicle
