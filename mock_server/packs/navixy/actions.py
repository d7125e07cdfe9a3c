"""The vehicle actions on one account's state, after the request has passed its schema: each takes
the parameters and answers the success envelope's other fields, or raises NavixyError."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from . import errors as e
from .errors import NavixyError
from .spec import default_of, vehicle_fields
from .world import GARAGES, TAGS, TRACKERS, NavixyState, shown, stored

# Subtypes by type, as the vehicle object's documentation lists them.
SUBTYPES: dict[str, frozenset[str]] = {
    "car": frozenset(
        {
            *("sedan", "universal", "hatchback", "liftback", "limousine", "pickup", "minivan", "coupe"),
            *("coupe4d", "muscle", "convertible", "phaeton", "lando", "crossover", "roadster", "suv"),
        }
    ),
    "truck": frozenset(
        {
            *("tipper", "board", "covered", "awning", "mixer", "tanker", "refrigerator", "transporter"),
            *("container", "tractor"),
        }
    ),
    "bus": frozenset({"city", "shuttle", "platform", "school", "intercity", "sightseeing"}),
    "special": frozenset(
        {
            *("mobile_crane", "racing", "buggy", "ambulance", "firefighter", "hearse", "shop", "harvester"),
            *("snowplow", "tractor", "grader", "excavator", "bulldozer", "armored", "amphibian", "boat"),
        }
    ),
}
SORT_ALIASES = {"tyres_size": "tyre_size"}  # the documented sort name of the tyre size
SHOWN_ONLY = frozenset({"tracker_label", "garage_organization_name"})  # world.shown adds them
DATE_FIELDS = ("liability_insurance_valid_till", "free_insurance_valid_till")
BATCH_ROW_LIMIT = 100
DEFAULT_BATCH_FIELDS = ("label", "model", "reg_number", "fuel_grade")


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def check_vehicle(vehicle: Mapping[str, Any]) -> None:
    """The rules a schema cannot say: a subtype of the vehicle's type (7), dates that exist (234)."""
    subtype = vehicle.get("subtype")
    if subtype is not None and subtype not in SUBTYPES[vehicle["type"]]:
        raise NavixyError(
            e.INVALID_PARAMETERS,
            errors=[
                {"parameter": "vehicle.subtype", "error": f"{subtype!r} is no subtype of {vehicle['type']!r}"}
            ],
        )
    for name in DATE_FIELDS:
        value = vehicle.get(name)
        if value is not None and not _valid_date(value):
            raise NavixyError(
                e.INVALID_DATA_FORMAT,
                errors=[{"parameter": f"vehicle.{name}", "error": f"{value!r} is not a date YYYY-MM-DD"}],
            )


def _check_links(state: NavixyState, vehicle: Mapping[str, Any]) -> None:
    tracker_id = vehicle.get("tracker_id")
    if tracker_id is not None:
        tracker = TRACKERS.get(tracker_id)
        if tracker is None:
            raise NavixyError(e.NOT_FOUND, f"tracker {tracker_id}")
        if tracker.blocked:
            raise NavixyError(e.DEVICE_BLOCKED, f"tracker {tracker_id}")
    garage_id = vehicle.get("garage_id")
    if garage_id is not None and garage_id not in GARAGES:
        raise NavixyError(e.NOT_FOUND, f"garage {garage_id}")
    unknown = sorted({tag for tag in vehicle.get("tags", []) if tag not in TAGS})
    if unknown:
        raise NavixyError(e.NONEXISTENT_ENTITIES, f"tags {unknown}")


def _holder(state: NavixyState, tracker_id: int | None, other_than: int | None) -> int | None:
    if tracker_id is None:
        return None
    return next(
        (vid for vid, v in state.vehicles.items() if v["tracker_id"] == tracker_id and vid != other_than),
        None,
    )


def _bind(
    state: NavixyState, vehicle: Mapping[str, Any], own_id: int | None, force: bool, faults: frozenset[str]
) -> None:
    """The tracker is free, or `force` moves it from the vehicle that holds it; else 247."""
    holder = _holder(state, vehicle.get("tracker_id"), own_id)
    if holder is None:
        return
    if not force and "navixy-force-reassign-ignored" not in faults:
        raise NavixyError(e.ALREADY_EXISTS, f"tracker {vehicle['tracker_id']} is bound to vehicle {holder}")
    state.vehicles[holder]["tracker_id"] = None


def create(state: NavixyState, params: Mapping[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    vehicle = params["vehicle"]
    check_vehicle(vehicle)
    _check_links(state, vehicle)
    _bind(state, vehicle, None, params.get("force_reassign", True), faults)
    vehicle_id = state.next_id
    state.next_id += 1
    state.vehicles[vehicle_id] = stored(vehicle, vehicle_id)
    return {"id": vehicle_id}


def read(
    state: NavixyState,
    params: Mapping[str, Any],
    others: Callable[[], Iterable[NavixyState]],
    faults: frozenset[str],
) -> dict[str, Any]:
    vehicle = state.vehicles.get(params["vehicle_id"])
    if vehicle is None and "navixy-read-any-sandbox" in faults:
        vehicle = next(
            (o.vehicles[params["vehicle_id"]] for o in others() if params["vehicle_id"] in o.vehicles), None
        )
    if vehicle is None:
        raise NavixyError(e.NOT_FOUND, f"vehicle {params['vehicle_id']}")
    return {"value": shown(vehicle)}


def update(state: NavixyState, params: Mapping[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    vehicle = params["vehicle"]
    vehicle_id = vehicle["id"]
    old = state.vehicles.get(vehicle_id)
    if old is None:
        raise NavixyError(e.NOT_FOUND, f"vehicle {vehicle_id}")
    check_vehicle(vehicle)
    _check_links(state, vehicle)
    tracker_id = vehicle.get("tracker_id", default_of("tracker_id"))
    if tracker_id != old["tracker_id"] and vehicle_id in state.service_tasks:
        raise NavixyError(e.EXTERNAL_LINKS, f"vehicle {vehicle_id} has service tasks")
    _bind(state, vehicle, vehicle_id, params.get("force_reassign", True), faults)
    new = stored(vehicle, vehicle_id)
    new["icon_id"], new["avatar_file_name"] = old["icon_id"], old["avatar_file_name"]
    if "navixy-update-keeps-old-tags" in faults:
        new["tags"] = list(old["tags"])
    state.vehicles[vehicle_id] = new
    return {}


def delete(state: NavixyState, params: Mapping[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    one, many = params.get("vehicle_id"), params.get("vehicle_ids")
    if (one is None) == (many is None):
        raise NavixyError(
            e.INVALID_PARAMETERS,
            "give exactly one of vehicle_id and vehicle_ids",
            [{"parameter": "vehicle_id", "error": "exactly one of vehicle_id and vehicle_ids is required"}],
        )
    if one is not None:
        if one not in state.vehicles:
            raise NavixyError(e.NOT_FOUND, f"vehicle {one}")
        ids = [one]
    else:
        unknown = [vid for vid in many if vid not in state.vehicles]
        if unknown and "navixy-delete-ids-refuses-unknown" in faults:
            raise NavixyError(e.NOT_FOUND, f"vehicle {unknown[0]}")
        ids = [vid for vid in many if vid in state.vehicles]
    for vid in ids:
        state.vehicles.pop(vid, None)
        state.service_tasks.discard(vid)
    return {}


def _sort_key(name: str) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    def key(vehicle: Mapping[str, Any]) -> tuple[int, Any]:
        value = vehicle[name]
        if value is None:
            return (0, 0)
        return (1, value.casefold() if isinstance(value, str) else value)

    return key


def listing(state: NavixyState, params: Mapping[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    # A kept vehicle has every field it is shown with but these two: unless a sort names one, the
    # kept vehicles are filtered and sorted as they are, and only the page is shown.
    by_shown = any(
        SORT_ALIASES.get(name, name) in SHOWN_ONLY
        for name in (option.split("=")[0] for option in params.get("sort", []))
    )
    vehicles = [shown(v) if by_shown else v for _, v in sorted(state.vehicles.items())]
    text = params.get("filter")
    if text:
        needle = text.casefold()
        searched = ("label",) if "navixy-filter-label-only" in faults else ("vin", "reg_number", "label")
        vehicles = [v for v in vehicles if any(needle in v[f].casefold() for f in searched)]
    for option in reversed(params.get("sort", [])):
        name, direction = option.split("=")
        descending = direction == "desc" and "navixy-sort-ignores-desc" not in faults
        vehicles.sort(key=_sort_key(SORT_ALIASES.get(name, name)), reverse=descending)
    offset = params.get("offset", 0)
    if offset and "navixy-list-offset-off-by-one" in faults:
        offset += 1
    limit = params.get("limit")
    page = vehicles[offset : offset + limit if limit is not None else None]
    return {"list": page if by_shown else [shown(v) for v in page]}


def _cell(name: str, text: str) -> tuple[Any, str | None]:
    """One batch cell as the field's value, or why it is none."""
    schema = vehicle_fields()[name]
    if text == "":
        if name == "label":
            return None, "required"
        return default_of(name), None
    kind = schema.get("type")
    try:
        if kind == "integer":
            value: Any = int(text)
        elif kind == "number":
            value = float(text)
        else:
            value = text
    except ValueError:
        return None, f"{text!r} is not a {'whole ' if kind == 'integer' else ''}number"
    if "enum" in schema and value not in schema["enum"]:
        return None, f"{text!r} is not one of {', '.join(x for x in schema['enum'] if x is not None)}"
    if isinstance(value, str) and len(value) > schema.get("maxLength", 10**6):
        return None, f"longer than {schema['maxLength']} characters"
    if isinstance(value, (int, float)) and value < schema.get("minimum", value):
        return None, f"less than {schema['minimum']}"
    if isinstance(value, (int, float)) and value > schema.get("maximum", value):
        return None, f"more than {schema['maximum']}"
    if name in DATE_FIELDS and not _valid_date(value):
        return None, f"{text!r} is not a date YYYY-MM-DD"
    return value, None


def batch_convert(state: NavixyState, params: Mapping[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    if params.get("file_id") is not None:
        raise NavixyError(
            e.INVALID_DATA_FORMAT,
            f"no preloaded file {params['file_id']}",
            [{"parameter": "file_id", "error": "no such file"}],
        )
    fields = list(params.get("fields") or DEFAULT_BATCH_FIELDS)
    rows = [line.rstrip("\r") for line in params.get("batch", "").split("\n") if line.strip()]
    if not rows:
        raise NavixyError(
            e.INVALID_DATA_FORMAT, "the batch has no rows", [{"parameter": "batch", "error": "no rows"}]
        )
    converted = []
    for row in rows[:BATCH_ROW_LIMIT]:
        cells = row.split("\t")
        vehicle: dict[str, Any] = {}
        problems: list[dict[str, str]] = []
        if len(cells) > len(fields):
            problems.append({"parameter": "batch", "error": f"{len(cells)} values, {len(fields)} fields"})
        for name in vehicle_fields():
            if name in fields:
                text = cells[fields.index(name)].strip() if fields.index(name) < len(cells) else ""
                value, problem = _cell(name, text)
                if problem is not None:
                    problems.append({"parameter": name, "error": problem})
                    continue
            elif name in ("label", "type"):
                continue  # not given, no default
            else:
                value = default_of(name)
            vehicle[name] = value
        if (
            vehicle.get("type")
            and vehicle.get("subtype")
            and vehicle["subtype"] not in SUBTYPES[vehicle["type"]]
        ):
            problems.append({"parameter": "subtype", "error": f"no subtype of {vehicle['type']!r}"})
            vehicle.pop("subtype")
        vehicle["errors"] = problems
        converted.append(vehicle)
    return {"list": converted, "limit_exceeded": len(rows) > BATCH_ROW_LIMIT}
