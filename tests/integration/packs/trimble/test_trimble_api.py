"""The Trimble vehicles API on the mock: the fleet's rules, its error shape, and one world with the
sandbox (snapshots, reset, the state file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_server.settings import Settings
from tests.integration.controls.conftest import Controls, start_controls

URL = "/api/assets/v1/vehicles"


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"bearer {token}"}


def _vehicles(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"vehicleId": vehicle_id, "Name": name} for vehicle_id, name in pairs]


def _all(controls: Controls, token: str, **query: Any) -> list[dict[str, Any]]:
    answer = controls.client.get(URL, params={"limit": 100, **query}, headers=_auth(token))
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


@pytest.fixture(scope="module")
def controls() -> Any:
    started = start_controls()
    with started.client:
        yield started


def test_added_vehicles_are_listed_with_the_list_casing(controls: Controls) -> None:
    token = controls.new_sandbox()
    added = controls.client.post(
        URL, json=_vehicles(("veh1", "vehicle 1"), ("veh2", "vehicle 2")), headers=_auth(token)
    )
    assert added.status_code == 200 and "error" not in added.json()
    data = added.json()["data"]
    assert [(v["VehicleId"], v["Name"]) for v in data] == [("veh1", "vehicle 1"), ("veh2", "vehicle 2")]
    assert set(data[0]) == {"Id", "Name", "VehicleId", "ModifiedOn"}
    listed = _all(controls, token)
    assert [(v["id"], v["vehicleId"], v["name"]) for v in listed] == [
        (v["Id"], v["VehicleId"], v["Name"]) for v in data
    ]
    assert "+" not in listed[0]["modifiedOn"] and not listed[0]["modifiedOn"].endswith("Z")


def test_duplicates_are_a_partial_success_naming_them(controls: Controls) -> None:
    token = controls.new_sandbox()
    controls.client.post(URL, json=_vehicles(("veh1", "vehicle 1")), headers=_auth(token))
    sent = _vehicles(("veh1", "vehicle 1"), ("veh2", "vehicle 2"), ("veh3", "vehicle 1"), ("veh2", "again"))
    answer = controls.client.post(URL, json=sent, headers=_auth(token))
    assert answer.status_code == 200
    body = answer.json()
    assert body["error"]["code"] == -12
    assert body["error"]["duplicate_ids"] == ["veh1", "veh2"] and body["error"]["duplicate_names"] == [
        "vehicle 1"
    ]
    assert [v["VehicleId"] for v in body["data"]] == ["veh2"]
    assert sorted(v["vehicleId"] for v in _all(controls, token)) == ["veh1", "veh2"]


def test_a_rename_of_unknown_ids_names_them_and_renames_the_others(controls: Controls) -> None:
    token = controls.new_sandbox()
    controls.client.post(URL, json=_vehicles(("veh1", "vehicle 1")), headers=_auth(token))
    answer = controls.client.put(
        URL, json=_vehicles(("veh1", "vehicle new 1"), ("veh3", "vehicle 3")), headers=_auth(token)
    )
    assert answer.status_code == 200
    assert answer.json()["error"] == {
        "message": "The request finished without updating non-existent vehicleIds",
        "code": -11,
        "ids_not_found": ["veh3"],
    }
    assert [(v["vehicleId"], v["name"]) for v in _all(controls, token)] == [("veh1", "vehicle new 1")]


def test_deleting_answers_a_message_and_an_unknown_id_is_404(controls: Controls) -> None:
    token = controls.new_sandbox()
    controls.client.post(URL, json=_vehicles(("veh1", "vehicle 1")), headers=_auth(token))
    gone = controls.client.delete(URL, params={"vehicleId": "veh1"}, headers=_auth(token))
    assert (gone.status_code, gone.json()) == (200, {"message": "Successfully deleted vehicle with Id: veh1"})
    again = controls.client.delete(URL, params={"vehicleId": "veh1"}, headers=_auth(token))
    assert (again.status_code, again.json()) == (404, {"message": "No vehicle found with Id: veh1"})
    assert _all(controls, token) == []


def test_paging_links_walk_the_sorted_fleet_once(controls: Controls) -> None:
    token = controls.new_sandbox()
    names = [f"Bil {n:02d}" for n in range(7)]
    controls.client.post(
        URL, json=_vehicles(*[(f"v{n}", name) for n, name in enumerate(names)]), headers=_auth(token)
    )
    url: str | None = f"http://testserver{URL}?limit=3&sortExpression=vehicleName&sortDirection=DESC"
    seen: list[str] = []
    while url:
        page = controls.client.get(url, headers=_auth(token)).json()
        assert page["size"] == 7 and page["first"]["href"].endswith(
            "offset=0&limit=3&sortExpression=vehicleName&sortDirection=DESC"
        )
        assert page["last"]["href"].split("?")[1].startswith("offset=6&")
        seen += [v["name"] for v in page["data"]]
        url = page.get("next", {}).get("href")
    assert seen == sorted(names, reverse=True)


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "code"),
    [
        ("post", {"content": b"[{", "headers": {"content-type": "application/json"}}, 400, -1),
        ("post", {"json": [{"vehicleId": "v/1", "Name": "x"}]}, 400, -1),
        ("post", {"json": [{"vehicleId": "v1"}]}, 400, -1),
        ("post", {"json": [{"vehicleId": f"v{n}", "Name": f"n{n}"} for n in range(51)]}, 400, -1),
        ("put", {"json": []}, 400, -1),
        ("get", {"params": {"limit": 0}}, 400, -1),
        ("get", {"params": {"sortDirection": "asc"}}, 400, -1),
        ("delete", {}, 400, -1),
        ("patch", {}, 405, -5),
        ("post", {"content": b"<x/>", "headers": {"content-type": "application/xml"}}, 415, -6),
    ],
    ids=[
        "not-json",
        "bad-character",
        "missing-name",
        "51-vehicles",
        "empty-list",
        "limit-0",
        "lowercase-direction",
        "delete-without-id",
        "patch",
        "xml",
    ],
)
def test_bad_input_is_a_4xx_in_the_api_error_shape(
    controls: Controls, method: str, kwargs: dict[str, Any], status: int, code: int
) -> None:
    token = controls.new_sandbox()
    headers = {**_auth(token), **kwargs.pop("headers", {})}
    answer = controls.client.request(method.upper(), URL, headers=headers, **kwargs)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    error = answer.json()["error"]
    assert error["code"] == code and error["message"] and error["reason"].isupper()


@pytest.mark.parametrize("headers", [{}, {"Authorization": "bearer nobody"}, {"Authorization": "Basic eDp5"}])
def test_a_missing_or_unknown_token_is_401_in_the_api_error_shape(controls: Controls, headers: dict) -> None:
    answer = controls.client.get(URL, headers=headers)
    assert answer.status_code == 401 and answer.headers["content-type"] == "application/json"
    assert answer.json()["error"]["code"] == -3 and answer.json()["error"]["reason"] == "UNAUTHENTICATED"


def test_the_bearer_scheme_is_case_insensitive(controls: Controls) -> None:
    token = controls.new_sandbox()
    for scheme in ("bearer", "Bearer", "BEARER"):
        assert controls.client.get(URL, headers={"Authorization": f"{scheme} {token}"}).status_code == 200


def test_an_injected_error_comes_in_the_api_error_shape_and_changes_nothing(controls: Controls) -> None:
    token = controls.new_sandbox()
    rule = controls.call(
        "POST", "/__mock/sandbox/faults", token, json={"rule": "trimbleAddVehicles: error=1:503"}
    )
    assert rule.status_code == 201, rule.text
    answer = controls.client.post(URL, json=_vehicles(("veh1", "vehicle 1")), headers=_auth(token))
    assert answer.status_code == 503 and answer.headers["content-type"] == "application/json"
    assert answer.json()["error"]["code"] == -9
    assert _all(controls, token) == []


def test_sandboxes_have_their_own_fleets(controls: Controls) -> None:
    mine, theirs = controls.new_sandbox(), controls.new_sandbox()
    controls.client.post(URL, json=_vehicles(("veh1", "vehicle 1")), headers=_auth(mine))
    assert _all(controls, theirs) == []
    assert controls.client.delete(URL, params={"vehicleId": "veh1"}, headers=_auth(theirs)).status_code == 404
    assert len(_all(controls, mine)) == 1


def test_the_control_api_shows_the_trimble_token(controls: Controls) -> None:
    token = controls.new_sandbox()
    shown = controls.call("GET", "/__mock/sandbox", token).json()["credentials"]
    assert shown["trimble"] == {"token": token}


def test_a_snapshot_restored_gives_the_old_fleet_back_and_a_reset_empties_it(controls: Controls) -> None:
    token = controls.new_sandbox()
    controls.client.post(URL, json=_vehicles(("veh1", "vehicle 1")), headers=_auth(token))
    before = _all(controls, token)
    assert controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "s"}).status_code == 201
    controls.client.put(URL, json=_vehicles(("veh1", "renamed")), headers=_auth(token))
    controls.client.post(URL, json=_vehicles(("veh2", "vehicle 2")), headers=_auth(token))
    assert controls.call("POST", "/__mock/sandbox/snapshots/s/restore", token).status_code == 200
    assert _all(controls, token) == before
    added = controls.client.post(URL, json=_vehicles(("veh2", "vehicle 2")), headers=_auth(token)).json()
    assert added["data"][0]["Id"] == before[0]["id"] + 1  # the id counter is restored too
    assert controls.call("POST", "/__mock/sandbox/reset", token).status_code == 200
    assert _all(controls, token) == []


def test_a_restart_with_the_state_file_keeps_the_fleet(tmp_path: Path) -> None:
    settings = Settings(state_path=tmp_path / "state.sqlite")
    first = start_controls(settings)
    with first.client:
        token = first.new_sandbox(token="ci-trimble-0001")
        first.client.post(
            URL, json=_vehicles(("veh1", "vehicle 1"), ("veh2", "vehicle 2")), headers=_auth(token)
        )
        first.client.put(URL, json=_vehicles(("veh2", "Varebil 2")), headers=_auth(token))
        first.client.delete(URL, params={"vehicleId": "veh1"}, headers=_auth(token))
        kept = _all(first, token)
    second = start_controls(settings)
    with second.client:
        assert _all(second, token) == kept and [v["name"] for v in kept] == ["Varebil 2"]
