"""The sandbox clock: moved forward on request, so time-bound behaviour shows without waiting."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.integration.controls.conftest import Controls


def _now(controls: Controls, token: str) -> datetime:
    return datetime.fromisoformat(controls.call("GET", "/__mock/sandbox/clock", token).json()["now"])


def test_an_export_token_expires_once_the_clock_passes_fifteen_minutes(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    issued = shared_controls.call("GET", "/api/co/service-log/export-token", token).json()["data"]
    download = issued["download_url"].split("testserver", 1)[1]
    assert shared_controls.client.get(download).status_code == 200
    shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"minutes": 16})
    expired = shared_controls.client.get(download)
    assert expired.status_code == 401 and expired.json()["code"] == "EXPORT_TOKEN_EXPIRED"


def test_a_passing_kontrollfrist_sends_an_overdue_notice(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("eu-control-due")
    due = shared_controls.call("GET", "/api/co/vehicles", token, params={"reg": "KT30303"}).json()["data"]
    assert due["eu_control_due"] is not None
    before = shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"days": 9}).json()
    assert [n for n in before["notifications"] if n["event"] == "eu_control.overdue"] == []
    after = shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"days": 2}).json()
    overdue = [n for n in after["notifications"] if n["event"] == "eu_control.overdue"]
    assert {n["channel"] for n in overdue} == {"email", "push"}
    assert overdue[0]["registration_number"] == "KT30303" and "EU-kontroll" in overdue[0]["body"]


def test_meta_generated_at_tells_the_sandbox_time(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"days": 30})
    generated = shared_controls.call("GET", "/api/co/vehicles", token).json()["meta"]["generated_at"]
    assert datetime.fromisoformat(generated) > datetime.now().astimezone() + timedelta(days=29)


def test_the_clock_can_be_moved_to_a_moment_but_never_back(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    target = (_now(shared_controls, token) + timedelta(days=3)).isoformat()
    moved = shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"to": target})
    assert moved.status_code == 200 and moved.json()["clock"]["offset_seconds"] > 3 * 86400 - 60
    back = shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"to": "2020-01-01T00:00:00Z"})
    assert back.status_code == 409 and back.json()["code"] == "CLOCK_CANNOT_GO_BACK"


def test_the_clock_cannot_run_more_than_a_hundred_years_ahead(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    answer = shared_controls.call(
        "POST", "/__mock/sandbox/clock", token, json={"days": 36500, "hours": 876000}
    )
    assert answer.status_code == 409 and answer.json()["code"] == "CLOCK_OUT_OF_RANGE"


def test_a_duration_and_a_moment_together_are_rejected(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    answer = shared_controls.call(
        "POST", "/__mock/sandbox/clock", token, json={"days": 1, "to": "2030-01-01T00:00:00Z"}
    )
    assert answer.status_code == 400


@settings(max_examples=20, deadline=None)
@given(moves=st.lists(st.integers(0, 10_000), min_size=1, max_size=5))
def test_the_sandbox_clock_only_moves_forward_by_what_it_is_told(
    shared_controls: Controls, moves: list[int]
) -> None:
    token = shared_controls.new_sandbox()
    offsets = []
    for minutes in moves:
        answer = shared_controls.call("POST", "/__mock/sandbox/clock", token, json={"minutes": minutes})
        offsets.append(answer.json()["clock"]["offset_seconds"])
    assert offsets == sorted(offsets)
    assert offsets[-1] == sum(moves) * 60


def test_each_sandbox_has_its_own_clock(shared_controls: Controls) -> None:
    ahead, other = shared_controls.new_sandbox(), shared_controls.new_sandbox()
    shared_controls.call("POST", "/__mock/sandbox/clock", ahead, json={"days": 5})
    assert shared_controls.call("GET", "/__mock/sandbox/clock", other).json()["offset_seconds"] == 0
