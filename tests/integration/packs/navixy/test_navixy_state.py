"""The Navixy account is part of the sandbox: snapshots, restores, resets and the state file keep it."""

from __future__ import annotations

from pathlib import Path

from mock_server.packs.navixy import api
from mock_server.settings import Settings
from tests.integration.controls.conftest import start_controls
from tests.integration.packs.navixy.navixy_client import LASTEBIL


def _list(client, token: str) -> list[dict]:
    answer = client.post("/v2/vehicle/list", json={"hash": api.session_hash(token)})
    assert answer.status_code == 200, answer.text
    return answer.json()["list"]


def _create(client, token: str, label: str, by_get: bool = False) -> int:
    if by_get:
        import json

        params = {"hash": api.session_hash(token), "vehicle": json.dumps({**LASTEBIL, "label": label})}
        answer = client.get("/v2/vehicle/create", params=params)
    else:
        answer = client.post(
            "/v2/vehicle/create",
            json={"hash": api.session_hash(token), "vehicle": {**LASTEBIL, "label": label}},
        )
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def test_restoring_a_snapshot_gives_the_fleet_of_that_moment_back() -> None:
    controls = start_controls(Settings())
    with controls.client:
        token = controls.new_sandbox()
        _create(controls.client, token, "Lastebil 1")
        before = _list(controls.client, token)
        assert (
            controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "flaaten"}).status_code
            == 201
        )
        _create(controls.client, token, "Lastebil 2")
        controls.client.post(
            "/v2/vehicle/delete", json={"hash": api.session_hash(token), "vehicle_id": before[0]["id"]}
        )
        assert [v["label"] for v in _list(controls.client, token)] == ["Lastebil 2"]
        assert controls.call("POST", "/__mock/sandbox/snapshots/flaaten/restore", token).status_code == 200
        assert _list(controls.client, token) == before
        assert _create(controls.client, token, "Lastebil 3") == before[0]["id"] + 1  # ids go on from there


def test_a_reset_empties_a_new_sandbox_fleet() -> None:
    controls = start_controls(Settings())
    with controls.client:
        token = controls.new_sandbox()
        _create(controls.client, token, "Lastebil 1")
        assert controls.call("POST", "/__mock/sandbox/reset", token).status_code == 200
        assert _list(controls.client, token) == []


def test_a_restart_with_a_state_file_keeps_vehicles_made_by_post_and_by_get(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    first = start_controls(Settings(state_path=path))
    with first.client:
        token = first.new_sandbox()
        _create(first.client, token, "Med POST")
        _create(first.client, token, "Med GET", by_get=True)
        before = _list(first.client, token)
    second = start_controls(Settings(state_path=path))
    with second.client:
        assert _list(second.client, token) == before
        assert [v["label"] for v in before] == ["Med POST", "Med GET"]
