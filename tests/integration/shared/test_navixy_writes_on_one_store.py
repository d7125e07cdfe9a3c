"""Navixy's actions sent as GETs change state: on a shared store they take the sandbox's lock like
any other write, so concurrent creates through two mocks on one database all land."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.types import Scope

from mock_server.packs.base import may_change_state
from mock_server.packs.navixy import PACK
from mock_server.packs.navixy import api as navixy
from tests.integration.controls.conftest import Controls, start_controls
from tests.integration.packs.navixy.navixy_client import LASTEBIL
from tests.postgres_support import two_mocks_on_one_database

CREATES_PER_MOCK = 12


@pytest.fixture
def pair() -> Iterator[tuple[Controls, Controls]]:
    with two_mocks_on_one_database(start_controls) as mocks:
        yield mocks


def _scope(method: str, path: str) -> Scope:
    return {"type": "http", "method": method, "path": path, "query_string": b""}


@pytest.mark.parametrize("action", ["create", "update", "delete"])
def test_a_navixy_action_that_changes_state_is_a_write_even_as_a_get(action: str) -> None:
    assert may_change_state(_scope("GET", f"/v2/vehicle/{action}"), (PACK,))
    assert not may_change_state(_scope("GET", f"/v2/vehicle/{action}"), ())  # the pack says so, no one else


@pytest.mark.parametrize("action", ["list", "read", "batch_convert"])
def test_a_navixy_get_that_changes_nothing_stays_a_read(action: str) -> None:
    assert not may_change_state(_scope("GET", f"/v2/vehicle/{action}"), (PACK,))
    assert may_change_state(_scope("POST", f"/v2/vehicle/{action}"), (PACK,))  # every POST may write


def test_a_path_of_another_api_is_not_the_packs_to_judge() -> None:
    assert not may_change_state(_scope("GET", "/api/co/vehicle/create"), (PACK,))


def _create_by_get(mock: Controls, hash_: str, label: str) -> int:
    params = {"hash": hash_, "vehicle": json.dumps({**LASTEBIL, "label": label})}
    answer = mock.client.get("/v2/vehicle/create", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def test_concurrent_get_creates_through_two_mocks_on_one_database_all_land(
    pair: tuple[Controls, Controls],
) -> None:
    one, other = pair
    token = one.new_sandbox()
    hash_ = navixy.session_hash(token)
    jobs = [
        (mock, f"{name} {index}")
        for index in range(CREATES_PER_MOCK)
        for mock, name in ((one, "Lastebil en"), (other, "Lastebil to"))
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda job: _create_by_get(job[0], hash_, job[1]), jobs))
    assert len(set(ids)) == len(jobs)  # each create started from the last acknowledged state
    for mock in pair:
        answer = mock.client.post("/v2/vehicle/list", json={"hash": hash_})
        assert answer.status_code == 200, answer.text
        assert sorted(vehicle["label"] for vehicle in answer.json()["list"]) == sorted(
            label for _, label in jobs
        )
