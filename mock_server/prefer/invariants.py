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
- messages oldest first, read no earlier than sent; export tokens expire 15 minutes after issue.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

EXPORT_TOKEN_LIFETIME = timedelta(minutes=15)
_PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # ordinary plates avoid I, O and Q


def keep_invariants(operation_id: str, body: Any, rng: random.Random) -> Any:
    """The generated `body` of `operation_id`'s success answer with the API's rules made true."""
    rule = _RULES.get(operation_id)
    if rule is None or not isinstance(body, dict):
        return body
    rule(body, rng)
    return body


# --- vehicles ----------------------------------------------------------------------------------


def _get_vehicles(body: dict[str, Any], rng: random.Random) -> None:
    data = body.get("data")
    if isinstance(data, list):
        body["data"] = vehicle_list(data, rng)
    elif isinstance(data, dict):
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


def _vehicle_details(body: dict[str, Any], _rng: random.Random) -> None:
    if isinstance(body.get("data"), dict):
        _vehicle_times(body["data"])


def _set_primary(body: dict[str, Any], _rng: random.Random) -> None:
    if isinstance(body.get("data"), dict):
        body["data"]["is_primary"] = True
        _vehicle_times(body["data"])


def _unlink(body: dict[str, Any], _rng: random.Random) -> None:
    data = body.get("data")
    if isinstance(data, dict) and data["primary_registration_number"] == data["registration_number"]:
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


def _service_log_entries(entries: list[dict[str, Any]], rng: random.Random) -> None:
    _newest_first(entries, rng, lambda: rng.randint(1, 2**31 - 1))
    for entry in entries:
        entry["total_price_nok"] = sum(item["price_nok"] for item in entry["items"])


def _history_entries(entries: list[dict[str, Any]], rng: random.Random) -> None:
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


def _page(body: dict[str, Any]) -> None:
    """`data` fits `page_size`, and `total` and `total_pages` fit the page it is."""
    meta, data = body["meta"], body["data"]
    size, page = meta["page_size"], meta["page"]
    del data[size:]
    before = (page - 1) * size
    if len(data) == size:
        total = max(meta["total"], before + len(data))
    elif data:
        total = before + len(data)  # a short page is the last one
    else:
        total = min(meta["total"], before)  # an empty page lies past the end
    meta["total"], meta["total_pages"] = total, math.ceil(total / size)


def _list_of(entries: Callable[[list[dict[str, Any]], random.Random], None], *, paged: bool):
    def rule(body: dict[str, Any], rng: random.Random) -> None:
        if isinstance(body.get("data"), list):
            entries(body["data"], rng)
            if paged and isinstance(body.get("meta"), dict) and "page_size" in body["meta"]:
                _page(body)

    return rule


def _summary(body: dict[str, Any], rng: random.Random) -> None:
    summary = body.get("data")
    if not isinstance(summary, dict):
        return
    filters = summary["filters"]
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


def _messages(body: dict[str, Any], rng: random.Random) -> None:
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


def _export_token(body: dict[str, Any], _rng: random.Random) -> None:
    token, meta = body.get("data"), body.get("meta")
    if not isinstance(token, dict) or not isinstance(meta, dict):
        return
    issued = _moment(meta["generated_at"])
    token["expires_at"] = (issued + EXPORT_TOKEN_LIFETIME).isoformat().replace("+00:00", "Z")
    filters = token["filters"]
    low, high = filters["date_from"], filters["date_to"]
    if low is not None and high is not None and low > high:
        filters["date_from"], filters["date_to"] = high, low


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


_RULES: dict[str, Callable[[dict[str, Any], random.Random], None]] = {
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
