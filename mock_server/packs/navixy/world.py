"""The Navixy account of one sandbox: its vehicles, kept as plain data.

Every account owns the same trackers, garages and tags (the spec's description lists them), so an
empty sandbox can create vehicles at once and a client knows the ids without a tracker API.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..base import FleetCar
from .spec import default_of, vehicle_fields


@dataclass(frozen=True)
class Tracker:
    id: int
    label: str
    blocked: bool = False


TRACKERS: dict[int, Tracker] = {
    **{n: Tracker(n, f"Tracker {n - 1000}") for n in range(1001, 1009)},
    1009: Tracker(1009, "Tracker 9", blocked=True),
    1010: Tracker(1010, "Tracker 10", blocked=True),
}
GARAGES: dict[int, str] = {1: "Fleet Systems", 2: "Verksted Nord"}
TAGS: dict[int, str] = {1: "Nord", 2: "Sør", 3: "Kjøl", 4: "Reserve"}
FIRST_VEHICLE_ID = 101

# The registry's kind -> (Navixy type, subtype, label word)
_KINDS: dict[str, tuple[str, str | None, str]] = {
    "truck": ("truck", "tractor", "Lastebil"),
    "van": ("car", "minivan", "Varebil"),
    "car": ("car", "sedan", "Bil"),
    "bus": ("bus", "city", "Buss"),
}
# The registry's fuel (Norwegian) -> Navixy's fuel_type (null: electric and others it has no word for)
_FUELS: dict[str, str] = {"diesel": "diesel", "bensin": "petrol", "gass": "gas", "lpg": "gas", "cng": "gas"}


@dataclass
class NavixyState:
    """Vehicles by id (the fields a client writes, plus id, icon_id, avatar_file_name); the vehicles
    with open service tasks (their tracker cannot change: 261)."""

    vehicles: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_id: int = FIRST_VEHICLE_ID
    service_tasks: set[int] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "vehicles": [copy.deepcopy(vehicle) for _, vehicle in sorted(self.vehicles.items())],
            "next_id": self.next_id,
            "service_tasks": sorted(self.service_tasks),
        }

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"NavixyState({len(self.vehicles)} vehicles)")


def state_from_json(raw: Mapping[str, Any]) -> NavixyState:
    vehicles = {int(v["id"]): copy.deepcopy(dict(v)) for v in raw.get("vehicles", [])}
    return NavixyState(
        vehicles=vehicles,
        next_id=int(raw.get("next_id", FIRST_VEHICLE_ID)),
        service_tasks={int(i) for i in raw.get("service_tasks", [])},
    )


def new_state() -> NavixyState:
    return NavixyState()


def stored(fields: Mapping[str, Any], vehicle_id: int) -> dict[str, Any]:
    """A vehicle as kept: every field, the given ones and the rest at their defaults."""
    vehicle: dict[str, Any] = {"id": vehicle_id}
    for name in vehicle_fields():
        value = fields.get(name, default_of(name))
        vehicle[name] = list(value) if isinstance(value, list) else value
    vehicle["icon_id"] = None
    vehicle["avatar_file_name"] = None
    return vehicle


def shown(vehicle: Mapping[str, Any]) -> dict[str, Any]:
    """A kept vehicle as the API answers it, with its tracker's label and garage's name."""
    tracker = TRACKERS.get(vehicle["tracker_id"]) if vehicle["tracker_id"] is not None else None
    garage = GARAGES.get(vehicle["garage_id"]) if vehicle["garage_id"] is not None else None
    answer: dict[str, Any] = {"id": vehicle["id"], "tracker_id": vehicle["tracker_id"]}
    answer["tracker_label"] = tracker.label if tracker else None
    for name in vehicle_fields():
        if name != "tracker_id":
            value = vehicle[name]
            answer[name] = list(value) if isinstance(value, list) else value
    answer["garage_organization_name"] = garage
    answer["icon_id"] = vehicle["icon_id"]
    answer["avatar_file_name"] = vehicle["avatar_file_name"]
    return answer


def seed_fleet(state: NavixyState, cars: list[FleetCar]) -> None:
    """Every car of the demo fleet as a vehicle: its plate, VIN, make and model as given; the first
    eight bound to trackers 1001-1008, every third of those with open service tasks."""
    counts: dict[str, int] = {}
    for car in cars:
        navixy_type, subtype, word = _KINDS.get(car.kind, ("special", None, "Kjøretøy"))
        counts[word] = counts.get(word, 0) + 1
        vehicle_id = state.next_id
        state.next_id += 1
        bound = len(state.vehicles) < 8
        fields = {
            "label": f"{word} {counts[word]}",
            "model": f"{car.make} {car.model}",
            "type": navixy_type,
            "subtype": subtype,
            "reg_number": car.plate,
            "vin": car.vin,
            "manufacture_year": car.year if 1900 <= car.year <= 2100 else None,
            "fuel_type": _FUELS.get(car.fuel.strip().lower()),
            "fuel_grade": car.fuel,
            "tracker_id": 1001 + len(state.vehicles) if bound else None,
            "garage_id": 1,
            "tags": [1] if navixy_type == "truck" else [],
        }
        if bound and len(state.vehicles) % 3 == 2:
            state.service_tasks.add(vehicle_id)
        state.vehicles[vehicle_id] = stored(fields, vehicle_id)
