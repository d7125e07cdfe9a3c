"""Generated bodies (`Prefer: dynamic=true`) keep the API's rules, not only its schemas.

For any seed and every operation's success answer, the body the Prefer middleware generates must be
valid against the response schema and keep what the spec's descriptions and API-SEMANTICS promise.
The rules are checked here on their own terms, not by the code that keeps them.
"""

from __future__ import annotations

import math
import typing as t
from datetime import datetime, timedelta

import pytest
import yaml
from connexion.json_schema import Draft4ResponseValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.prefer import DocumentedResponses, PreferMiddleware
from mock_server.settings import SPEC_PATH

DOCUMENTED = DocumentedResponses(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))
SUCCESSES = [
    (operation_id, response)
    for operation_id in [
        "getVehicles", "linkVehicle", "unlinkVehicle", "refreshVehicle", "setPrimaryVehicle", "updateVehicle",
        "updateNotificationSettings", "getRealtimeConfig", "createServiceLogExportToken",
        "getLatestServiceLogs", "listServiceLogs", "getServiceLogSummary", "getServiceLogMessages",
        "getLatestVehicleHistory", "listVehicleHistory",
    ]
    for response in DOCUMENTED.responses(operation_id).values()
    if response.success and response.schema is not None and response.content_type == "application/json"
]  # fmt: skip


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _vehicle(vehicle: dict[str, t.Any]) -> list[str]:
    late = _moment(vehicle["updated_at"]) < _moment(vehicle["linked_at"])
    return [f"{vehicle['registration_number']} updated before it was linked"] if late else []


def _vehicle_list(vehicles: list[dict[str, t.Any]]) -> list[str]:
    broken = [problem for v in vehicles for problem in _vehicle(v)]
    plates = [v["registration_number"] for v in vehicles]
    if len(set(plates)) != len(plates):
        broken.append(f"plates repeat: {plates}")
    if vehicles:
        if sum(v["is_primary"] for v in vehicles) != 1:
            broken.append("not exactly one primary")
        if not vehicles[0]["is_primary"]:
            broken.append("the primary is not listed first")
        linked = [_moment(v["linked_at"]) for v in vehicles[1:]]
        if linked != sorted(linked):
            broken.append("the others are not by linked_at ascending")
    return broken


def _newest_first(entries: list[dict[str, t.Any]]) -> list[str]:
    broken = []
    keys = [(e["service_date"], e["id"]) for e in entries]
    if keys != sorted(keys, reverse=True):
        broken.append("not newest first (service_date, then id, descending)")
    if len({e["id"] for e in entries}) != len(entries):
        broken.append("ids repeat")
    return broken


def _page(body: dict[str, t.Any]) -> list[str]:
    meta, count = body["meta"], len(body["data"])
    page, size, total = meta["page"], meta["page_size"], meta["total"]
    broken = []
    if meta["total_pages"] != math.ceil(total / size):
        broken.append(f"total_pages {meta['total_pages']} is not ceil({total} / {size})")
    if count > size:
        broken.append(f"{count} entries on a page of {size}")
    before = (page - 1) * size
    if count and (before + count > total or (count < size and before + count != total)):
        broken.append(f"page {page} with {count} of {size} does not fit a total of {total}")
    if not count and total > before:
        broken.append(f"page {page} is empty although the total is {total}")
    return broken


def _service_log(entries: list[dict[str, t.Any]]) -> list[str]:
    priced = [e["id"] for e in entries if e["total_price_nok"] != sum(i["price_nok"] for i in e["items"])]
    return _newest_first(entries) + ([f"entries {priced}: total is not the items' sum"] if priced else [])


def _history(entries: list[dict[str, t.Any]]) -> list[str]:
    broken = _newest_first(entries)
    if len({e["registration_number"] for e in entries}) > 1:
        broken.append("one history names several vehicles")
    readings = [e["mileage_km"] for e in entries if e["mileage_km"] is not None]
    if readings != sorted(readings, reverse=True):
        broken.append(f"the odometer goes down: {readings[::-1]}")
    owners = [e["from_current_owner"] for e in entries]
    if owners != sorted(owners, reverse=True):
        broken.append("an earlier owner's visit is newer than the caller's")
    if any((e["service_log_id"] is None) == e["from_current_owner"] for e in entries):
        broken.append("service_log_id is not set exactly on the caller's own visits")
    return broken


def _summary(summary: dict[str, t.Any]) -> list[str]:
    broken = []
    filters, last = summary["filters"], summary["last_service_date"]
    if summary["rated_count"] > summary["count"]:
        broken.append("more rated entries than entries")
    if (summary["average_rating"] is None) != (summary["rated_count"] == 0):
        broken.append("average_rating is not null exactly when nothing is rated")
    if (last is None) != (summary["count"] == 0):
        broken.append("last_service_date is not null exactly when there are no entries")
    low, high = filters["date_from"], filters["date_to"]
    if low is not None and high is not None and low > high:
        broken.append("date_from is after date_to")
    if last is not None and ((low is not None and last < low) or (high is not None and last > high)):
        broken.append("last_service_date lies outside the date filters")
    return broken


def _messages(thread: dict[str, t.Any]) -> list[str]:
    messages = thread["messages"]
    broken = []
    sent = [_moment(m["sent_at"]) for m in messages]
    if sent != sorted(sent):
        broken.append("messages are not oldest first")
    if any(m["read_at"] is not None and _moment(m["read_at"]) < _moment(m["sent_at"]) for m in messages):
        broken.append("a message was read before it was sent")
    if len({m["id"] for m in messages}) != len(messages):
        broken.append("message ids repeat")
    return broken


def broken_rules(operation_id: str, body: dict[str, t.Any]) -> list[str]:
    data = body.get("data")
    if operation_id == "getVehicles":
        return _vehicle_list(data) if isinstance(data, list) else _vehicle(data)
    if operation_id in ("linkVehicle", "refreshVehicle", "updateVehicle"):
        return _vehicle(data)
    if operation_id == "setPrimaryVehicle":
        return _vehicle(data) + (
            [] if data["is_primary"] else ["set-primary answers a vehicle that is not primary"]
        )
    if operation_id == "unlinkVehicle":
        same = data["primary_registration_number"] == data["registration_number"]
        return ["the unlinked vehicle is named as the primary left"] if same else []
    if operation_id in ("getLatestServiceLogs", "listServiceLogs"):
        return _service_log(data) + (_page(body) if operation_id == "listServiceLogs" else [])
    if operation_id in ("getLatestVehicleHistory", "listVehicleHistory"):
        return _history(data) + (_page(body) if operation_id == "listVehicleHistory" else [])
    if operation_id == "getServiceLogSummary":
        return _summary(data)
    if operation_id == "getServiceLogMessages":
        return _messages(data)
    if operation_id == "createServiceLogExportToken":
        issued = _moment(body["meta"]["generated_at"])
        expires = _moment(data["expires_at"])
        return (
            []
            if expires - issued == timedelta(minutes=15)
            else ["the token does not expire 15 minutes after issue"]
        )
    return []


@settings(max_examples=300)
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, len(SUCCESSES) - 1))
def test_generated_bodies_are_schema_valid_and_keep_the_apis_rules(seed: int, index: int) -> None:
    operation_id, response = SUCCESSES[index]
    body = PreferMiddleware(app=None, documented=DOCUMENTED, seed=seed).generated(operation_id, response)  # type: ignore[arg-type]
    validator = Draft4ResponseValidator(
        response.schema, format_checker=Draft4ResponseValidator.FORMAT_CHECKER
    )
    assert [e.message for e in validator.iter_errors(body)] == []
    assert broken_rules(operation_id, body) == []


@pytest.mark.parametrize("seed", range(20))
def test_a_generated_vehicle_list_names_each_plate_once_with_one_primary_first(seed: int) -> None:
    response = DOCUMENTED.responses("getVehicles")[200]
    middleware = PreferMiddleware(app=None, documented=DOCUMENTED, seed=seed)  # type: ignore[arg-type]
    lists = [b["data"] for b in (middleware.generated("getVehicles", response) for _ in range(10))]
    for vehicles in (v for v in lists if isinstance(v, list)):
        assert _vehicle_list(vehicles) == []
