"""The API's rules, kept by generated bodies (`Prefer: dynamic=true`) that the schema alone cannot say.

A body drawn from the schema is valid field by field but can break what the spec's descriptions
promise: a vehicle list with two cars of one plate or no primary, a page whose `total_pages` is not
`ceil(total / page_size)`, an average rating without rated entries. Each rule here takes a generated
body of one operation and makes it true, in place, with the generator's own random for anything new:

- vehicles: plates unique; exactly one primary in a non-empty list, listed first, then by
  `linked_at` ascending; `updated_at` never before `linked_at`; set-primary answers a primary;
  an unlink never names the unlinked plate as the primary left;
- service log and vehicle history: ids unique, newest first (`service_date`, then `id`,
  descending); pages with `len(data) <= page_size` and `total`/`total_pages` that fit the page;
  an entry's `total_price_nok` is its items' sum; one vehicle's history is of one plate, its
  odometer never going down, its earlier owners' visits without `service_log_id`, the caller's with;
- summary: `rated_count <= count`, `average_rating` null exactly when nothing is rated, a last
  service date exactly when there are entries, within `date_from`..`date_to`;
- messages oldest first, read no earlier than sent; export tokens expire 15 minutes after issue;
- and what the request asked: a vehicle's details for a plate, the list without one; the page,
  page size and limit asked (or their defaults); lists and summaries of the plate, workshop and
  dates filtered on. A body that cannot be made to fit (`Unfit`) is drawn again.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from ....domain.plates import normalise_plate

EXPORT_TOKEN_LIFETIME = timedelta(minutes=15)
_PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # ordinary plates avoid I, O and Q


class Unfit(Exception):
    """A generated body that no change makes fit the request (a list where details were asked)."""


@dataclass(frozen=True)
class Asked:
    """The request's query values (validated by then), the spec's defaults filled in; `known` is
    False when no request is at hand, and then only the body's own rules are kept."""

    query: Mapping[str, str] = field(default_factory=dict)
    known: bool = False

    def integer(self, name: str) -> int | None:
        value = self.query.get(name)
        return int(value) if value is not None else None

    def plate(self) -> str | None:
        value = self.query.get("registration_number") or self.query.get("reg")
        return normalise_plate(value) if value else None

    def filters(self) -> dict[str, str | None]:
        """ServiceLogFilters as the server echoes them: normalised, null for each one not given."""
        return {
            "registration_number": self.plate(),
            "workshop_org_nr": self.query.get("workshop_org_nr"),
            "date_from": self.query.get("date_from"),
            "date_to": self.query.get("date_to"),
        }


def keep_invariants(operation_id: str, body: Any, rng: random.Random, asked: Asked | None = None) -> Any:
    """The generated `body` of `operation_id`'s success answer with the API's rules made true;
    Unfit when it cannot be."""
    rule = _RULES.get(operation_id)
    if rule is None or not isinstance(body, dict):
        return body
    rule(body, rng, asked or Asked())
    return body


# --- vehicles ----------------------------------------------------------------------------------


def _get_vehicles(body: dict[str, Any], rng: random.Random, asked: Asked) -> None:
    data, plate = body.get("data"), asked.plate()
    if asked.known and isinstance(data, list) != (plate is None):
        raise Unfit("details are answered for a plate, the list without one")
    if isinstance(data, list):
        body["data"] = vehicle_list(data, rng)
    elif isinstance(data, dict):
        data["registration_number"] = plate or data["registration_number"]
        _vehicle_times(data)


def vehicle_list(vehicles: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for vehicle in vehicles:
        while vehicle["registration_number"] in seen:
            vehicle["registration_number"] = _plate(rng)
        seen.add(vehicle["registration_number"])
        _vehicle_times(vehicle)
    if not vehicles:
        return vehicles
    primaries = [v for v in vehicles if v["is_primary"]]
    primary = primaries[0] if primaries else rng.choice(vehicles)
    for vehicle in vehicles:
        vehicle["is_primary"] = vehicle is primary
    rest = sorted((v for v in vehicles if v is not primary), key=lambda v: _moment(v["linked_at"]))
    return [primary, *rest]


def _vehicle_times(vehicle: dict[str, Any]) -> None:
    if _moment(vehicle["updated_at"]) < _moment(vehicle["linked_at"]):
        vehicle["updated_at"] = vehicle["linked_at"]


def _vehicle_details(body: dict[str, Any], _rng: random.Random, _asked: Asked) -> None:
    if isinstance(body.get("data"), dict):
        _vehicle_times(body["data"])


def _set_primary(body: dict[str, Any], _rng: random.Random, _asked: Asked) -> None:
    if isinstance(body.get("data"), dict):
        body["data"]["is_primary"] = True
        _vehicle_times(body["data"])


def _unlink(body: dict[str, Any], _rng: random.Random, asked: Asked) -> None:
    data = body.get("data")
    if not isinstance(data, dict):
        return
    data["registration_number"] = asked.plate() or data["registration_number"]
    if data["primary_registration_number"] == data["registration_number"]:
        data["primary_registration_number"] = None


def _plate(rng: random.Random) -> str:
    letters = "".join(rng.choice(_PLATE_LETTERS) for _ in range(2))
    return letters + "".join(rng.choice(string.digits) for _ in range(5))


# --- service log and vehicle history -----------------------------------------------------------


def _newest_first(entries: list[dict[str, Any]], rng: random.Random, new_id: Callable[[], Any]) -> None:
    seen: set[Any] = set()
    for entry in entries:
        while entry["id"] in seen:
            entry["id"] = new_id()
        seen.add(entry["id"])
    entries.sort(key=lambda e: (e["service_date"], e["id"]), reverse=True)


def _filtered(entries: list[dict[str, Any]], asked: Asked) -> None:
    plate, org_nr = asked.plate(), asked.query.get("workshop_org_nr")
    for entry in entries:
        entry["registration_number"] = plate or entry["registration_number"]
        entry["workshop"]["org_nr"] = org_nr or entry["workshop"]["org_nr"]


def _service_log_entries(entries: list[dict[str, Any]], rng: random.Random, asked: Asked) -> None:
    _filtered(entries, asked)
    _newest_first(entries, rng, lambda: rng.randint(1, 2**31 - 1))
    for entry in entries:
        entry["total_price_nok"] = sum(item["price_nok"] for item in entry["items"])


def _history_entries(entries: list[dict[str, Any]], rng: random.Random, asked: Asked) -> None:
    _filtered(entries, asked)
    if not entries:
        return
    plate = entries[0]["registration_number"]
    for entry in entries:
        entry["registration_number"] = plate
    _newest_first(entries, rng, lambda: f"vh-{plate}-{rng.randint(0, 9999):04d}")
    own = sum(1 for e in entries if e["from_current_owner"])
    for index, entry in enumerate(entries):  # the caller owns the car now: their visits are the newest
        entry["from_current_owner"] = index < own
    readings = sorted((e["mileage_km"] for e in entries if e["mileage_km"] is not None), reverse=True)
    for entry in entries:  # newest first: the highest reading goes to the newest visit that has one
        if entry["mileage_km"] is not None:
            entry["mileage_km"] = readings.pop(0)
        if entry["from_current_owner"] and entry["service_log_id"] is None:
            entry["service_log_id"] = rng.randint(1, 2**31 - 1)
        elif not entry["from_current_owner"]:
            entry["service_log_id"] = None


def _page(body: dict[str, Any], asked: Asked) -> None:
    """The page asked, `data` within its `page_size`, and `total` and `total_pages` that fit."""
    meta, data = body["meta"], body["data"]
    meta["page"] = page = asked.integer("page") or meta["page"]
    meta["page_size"] = size = asked.integer("page_size") or meta["page_size"]
    del data[size:]
    before = (page - 1) * size
    if len(data) == size:
        total = max(meta["total"], before + len(data))
    elif data:
        total = before + len(data)  # a short page is the last one
    else:
        total = min(meta["total"], before)  # an empty page lies past the end
    meta["total"], meta["total_pages"] = total, math.ceil(total / size)


def _list_of(entries: Callable[[list[dict[str, Any]], random.Random, Asked], None], *, paged: bool):
    def rule(body: dict[str, Any], rng: random.Random, asked: Asked) -> None:
        if not isinstance(body.get("data"), list):
            return
        entries(body["data"], rng, asked)
        if paged and isinstance(body.get("meta"), dict) and "page_size" in body["meta"]:
            _page(body, asked)
        elif not paged and asked.integer("limit") is not None:
            del body["data"][asked.integer("limit") :]

    return rule


def _summary(body: dict[str, Any], rng: random.Random, asked: Asked) -> None:
    summary = body.get("data")
    if not isinstance(summary, dict):
        return
    filters = summary["filters"] = asked.filters() if asked.known else summary["filters"]
    low, high = filters["date_from"], filters["date_to"]
    if low is not None and high is not None and low > high:
        filters["date_from"], filters["date_to"] = high, low
    summary["rated_count"] = min(summary["rated_count"], summary["count"])
    if summary["rated_count"] == 0:
        summary["average_rating"] = None
    elif summary["average_rating"] is None:
        summary["average_rating"] = round(rng.uniform(1, 5), 2)
    if summary["count"] == 0:
        summary["last_service_date"] = None
        return
    last = summary["last_service_date"] or date(2024, 1, 1).isoformat()
    if filters["date_from"] is not None:
        last = max(last, filters["date_from"])
    if filters["date_to"] is not None:
        last = min(last, filters["date_to"])
    summary["last_service_date"] = last


def _messages(body: dict[str, Any], rng: random.Random, _asked: Asked) -> None:
    thread = body.get("data")
    if not isinstance(thread, dict):
        return
    messages = thread["messages"]
    seen: set[str] = set()
    for message in messages:
        while message["id"] in seen:
            message["id"] = str(UUID(int=rng.getrandbits(128), version=4))
        seen.add(message["id"])
        if message["read_at"] is not None and _moment(message["read_at"]) < _moment(message["sent_at"]):
            message["read_at"] = message["sent_at"]
    messages.sort(key=lambda m: _moment(m["sent_at"]))


def _export_token(body: dict[str, Any], _rng: random.Random, asked: Asked) -> None:
    token, meta = body.get("data"), body.get("meta")
    if not isinstance(token, dict) or not isinstance(meta, dict):
        return
    issued = _moment(meta["generated_at"])
    token["expires_at"] = (issued + EXPORT_TOKEN_LIFETIME).isoformat().replace("+00:00", "Z")
    filters = token["filters"] = asked.filters() if asked.known else token["filters"]
    low, high = filters["date_from"], filters["date_to"]
    if low is not None and high is not None and low > high:
        filters["date_from"], filters["date_to"] = high, low


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


_RULES: dict[str, Callable[[dict[str, Any], random.Random, Asked], None]] = {
    "getVehicles": _get_vehicles,
    "linkVehicle": _vehicle_details,
    "refreshVehicle": _vehicle_details,
    "updateVehicle": _vehicle_details,
    "setPrimaryVehicle": _set_primary,
    "unlinkVehicle": _unlink,
    "getLatestServiceLogs": _list_of(_service_log_entries, paged=False),
    "listServiceLogs": _list_of(_service_log_entries, paged=True),
    "getLatestVehicleHistory": _list_of(_history_entries, paged=False),
    "listVehicleHistory": _list_of(_history_entries, paged=True),
    "getServiceLogSummary": _summary,
    "getServiceLogMessages": _messages,
    "createServiceLogExportToken": _export_token,
}
