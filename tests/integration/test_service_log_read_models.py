"""Service log list/latest/summary/messages, vehicle history and export tokens."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import KARI, OLA, Mock


def _walk(mock: Mock, page_size: int, query: str = "") -> tuple[list[dict], int]:
    entries, page = [], 1
    while True:
        body = mock.get(f"/api/co/service-log/list?page={page}&page_size={page_size}{query}").json()
        entries += body["data"]
        if page >= body["meta"]["total_pages"]:
            return entries, body["meta"]["total"]
        page += 1


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page_size=st.integers(1, 30))
def test_list_pages_are_disjoint_ordered_and_cover_every_entry_once(
    shared_mock: Mock, page_size: int
) -> None:
    entries, total = _walk(shared_mock, page_size)
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)) == total > 0
    keys = [(e["service_date"], e["id"]) for e in entries]
    assert keys == sorted(keys, reverse=True)


def test_a_page_past_the_end_is_empty_with_true_totals(shared_mock: Mock) -> None:
    body = shared_mock.get("/api/co/service-log/list?page=999&page_size=10").json()
    assert body["data"] == [] and body["meta"]["total"] > 0 and body["meta"]["page"] == 999


@pytest.mark.parametrize("limit", [1, 5, 100])
def test_latest_is_the_head_of_the_list(shared_mock: Mock, limit: int) -> None:
    latest = shared_mock.get(f"/api/co/service-log/latest?limit={limit}").json()["data"]
    listed = shared_mock.get("/api/co/service-log/list?page_size=100").json()["data"]
    assert latest == listed[:limit]


@pytest.mark.parametrize(
    "query",
    ["", "&registration_number=BT57225", "&workshop_org_nr=921460929", "&reg_and_org"],
)
def test_summary_agrees_with_the_list_under_the_same_filters(shared_mock: Mock, query: str) -> None:
    if query == "&reg_and_org":
        query = "&registration_number=BT57225&workshop_org_nr=921460929"
    entries, total = _walk(shared_mock, 50, query)
    summary = shared_mock.get(f"/api/co/service-log/summary?{query.lstrip('&')}").json()["data"]
    ratings = [e["rating"] for e in entries if e["rating"] is not None]
    assert summary["count"] == total == len(entries)
    assert summary["rated_count"] == len(ratings)
    assert summary["average_rating"] == (round(sum(ratings) / len(ratings), 2) if ratings else None)
    assert summary["last_service_date"] == (entries[0]["service_date"] if entries else None)


def test_filters_really_filter(shared_mock: Mock) -> None:
    entries, _ = _walk(shared_mock, 50, "&registration_number=bt57225&workshop_org_nr=921460929")
    assert entries and all(
        e["registration_number"] == "BT57225" and e["workshop"]["org_nr"] == "921460929" for e in entries
    )


def test_summary_date_range_is_inclusive_and_a_reversed_range_is_refused(shared_mock: Mock) -> None:
    entries, _ = _walk(shared_mock, 100)
    day = entries[3]["service_date"]
    summary = shared_mock.get(f"/api/co/service-log/summary?date_from={day}&date_to={day}").json()["data"]
    assert summary["count"] == sum(e["service_date"] == day for e in entries)
    reversed_range = shared_mock.get("/api/co/service-log/summary?date_from=2026-02-02&date_to=2026-02-01")
    assert (reversed_range.status_code, reversed_range.json()["code"]) == (400, "INVALID_DATE_RANGE")


def test_an_impossible_calendar_date_is_a_400(shared_mock: Mock) -> None:
    answer = shared_mock.get("/api/co/service-log/summary?date_from=2026-02-30")
    assert (answer.status_code, answer.json()["code"]) == (400, "VALIDATION_FAILED")


def test_an_org_nr_with_a_wrong_check_digit_is_a_400(shared_mock: Mock) -> None:
    answer = shared_mock.get("/api/co/service-log/list?workshop_org_nr=921460928")
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "workshop_org_nr"


def test_messages_are_the_callers_own_and_oldest_first(shared_mock: Mock) -> None:
    entries, _ = _walk(shared_mock, 100)
    with_messages = next(e for e in entries if e["message_count"] > 0)
    thread = shared_mock.get(f"/api/co/service-log/messages/{with_messages['id']}").json()["data"]
    sent = [m["sent_at"] for m in thread["messages"]]
    assert len(sent) == with_messages["message_count"] and sent == sorted(sent)
    other = shared_mock.get(f"/api/co/service-log/messages/{with_messages['id']}", OLA)
    assert (other.status_code, other.json()["code"]) == (404, "SERVICE_LOG_NOT_FOUND")


def test_vehicle_history_defaults_to_the_primary_and_includes_earlier_owners(shared_mock: Mock) -> None:
    history = shared_mock.get("/api/co/service-log/vehicle-history/list?page_size=100").json()["data"]
    assert {h["registration_number"] for h in history} == {"BT57225"}
    earlier = [h for h in history if not h["from_current_owner"]]
    own = [h for h in history if h["from_current_owner"]]
    assert earlier and own
    assert all(h["service_log_id"] is None for h in earlier)
    assert max(h["service_date"] for h in earlier) <= min(h["service_date"] for h in own)


def test_vehicle_history_without_vehicles_is_404_no_primary(shared_mock: Mock) -> None:
    answer = shared_mock.get("/api/co/service-log/vehicle-history/latest", OLA)
    assert (answer.status_code, answer.json()["code"]) == (404, "NO_PRIMARY_VEHICLE")


def _export(mock: Mock, query: str = "") -> dict:
    return mock.get(f"/api/co/service-log/export-token?{query}").json()["data"]


def _download_path(grant: dict) -> str:
    return "/" + grant["download_url"].split("/", 3)[3]


def test_an_export_token_downloads_the_filtered_log_as_csv(mock: Mock) -> None:
    grant = _export(mock, "registration_number=BT57225")
    answer = mock.client.get(_download_path(grant))
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert rows and {r["registration_number"] for r in rows} == {"BT57225"}


def test_an_export_token_expires_after_15_minutes(mock: Mock) -> None:
    grant = _export(mock)
    mock.sandbox(KARI).clock.advance(timedelta(minutes=14))
    assert mock.client.get(_download_path(grant)).status_code == 200
    mock.sandbox(KARI).clock.advance(timedelta(minutes=1, seconds=1))
    expired = mock.client.get(_download_path(grant))
    assert (expired.status_code, expired.json()["code"]) == (401, "EXPORT_TOKEN_EXPIRED")


def test_each_export_token_call_mints_a_new_token_and_the_earlier_one_stays_valid(mock: Mock) -> None:
    first, second = _export(mock), _export(mock)  # within the same second, same filters
    assert first["token"] != second["token"]
    assert mock.client.get(_download_path(first)).status_code == 200
    assert mock.client.get(_download_path(second)).status_code == 200


def test_a_tampered_export_token_is_refused(mock: Mock) -> None:
    token = _export(mock)["token"]
    payload, signature = token.split(".")
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    answer = mock.client.get(f"/api/co/service-log/export?token={tampered}")
    assert (answer.status_code, answer.json()["code"]) == (403, "EXPORT_TOKEN_INVALID")
