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

from mock_server.packs.carowner.prefer import DocumentedResponses, PreferMiddleware
from mock_server.packs.carowner.prefer.invariants import Asked
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


QUERIES = st.fixed_dictionaries(
    {},
    optional={
        "registration_number": st.sampled_from(["BT57225", "el 42817", "KH-60518"]),
        "page": st.integers(1, 50).map(str),
        "page_size": st.integers(1, 100).map(str),
        "limit": st.integers(1, 100).map(str),
        "workshop_org_nr": st.just("921460929"),
        "date_from": st.just("2021-01-01"),
        "date_to": st.just("2025-06-30"),
    },
)
FILTERED = {"getLatestServiceLogs", "listServiceLogs", "getLatestVehicleHistory", "listVehicleHistory"}


def disagreements(operation_id: str, body: dict[str, t.Any], query: dict[str, str]) -> list[str]:
    """Where the answer does not fit the request's query."""
    data, broken = body.get("data"), []
    plate = query.get("registration_number", "").replace(" ", "").replace("-", "").upper() or None
    if operation_id == "getVehicles":
        if isinstance(data, list) == (plate is not None):
            broken.append("details without a plate, or a list for one")
        elif plate is not None and data["registration_number"] != plate:
            broken.append("details of another plate")
    if operation_id in ("listServiceLogs", "listVehicleHistory"):
        meta = body["meta"]
        if (meta["page"], meta["page_size"]) != (int(query["page"]), int(query["page_size"])):
            broken.append(f"page {meta['page']} of {meta['page_size']} answered for {query}")
    if operation_id in ("getLatestServiceLogs", "getLatestVehicleHistory") and len(data) > int(
        query["limit"]
    ):
        broken.append(f"{len(data)} entries for limit={query['limit']}")
    if operation_id in FILTERED:
        if plate is not None and any(e["registration_number"] != plate for e in data):
            broken.append("an entry of another plate than the filter's")
        org_nr = query.get("workshop_org_nr")
        if org_nr is not None and any(e["workshop"]["org_nr"] != org_nr for e in data):
            broken.append("an entry of another workshop than the filter's")
    if operation_id in ("getServiceLogSummary", "createServiceLogExportToken"):
        names = ("workshop_org_nr", "date_from", "date_to")
        expected = {"registration_number": plate, **{name: query.get(name) for name in names}}
        if data["filters"] != expected:
            broken.append(f"filters {data['filters']} do not echo {expected}")
    return broken


@settings(max_examples=300)
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, len(SUCCESSES) - 1), query=QUERIES)
def test_generated_bodies_are_schema_valid_and_keep_the_apis_rules(
    seed: int, index: int, query: dict
) -> None:
    operation_id, response = SUCCESSES[index]
    query = {**DOCUMENTED.query_defaults(operation_id), **query}
    middleware = PreferMiddleware(app=None, documented=DOCUMENTED, seed=seed)  # type: ignore[arg-type]
    body = middleware.generated(operation_id, response, Asked(query, known=True))
    validator = Draft4ResponseValidator(
        response.schema, format_checker=Draft4ResponseValidator.FORMAT_CHECKER
    )
    assert [e.message for e in validator.iter_errors(body)] == []
    assert broken_rules(operation_id, body) == []
    assert disagreements(operation_id, body, query) == []


@pytest.mark.parametrize("seed", range(20))
def test_a_generated_vehicle_list_names_each_plate_once_with_one_primary_first(seed: int) -> None:
    response = DOCUMENTED.responses("getVehicles")[200]
    middleware = PreferMiddleware(app=None, documented=DOCUMENTED, seed=seed)  # type: ignore[arg-type]
    for _ in range(10):
        vehicles = middleware.generated("getVehicles", response, Asked({}, known=True))["data"]
        assert isinstance(vehicles, list) and _vehicle_list(vehicles) == []
