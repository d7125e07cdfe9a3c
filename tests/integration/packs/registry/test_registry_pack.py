"""The registry fake is an API pack: served at its real path unless `--apis` leaves it out, and
CarOwner looks cars up in it either way."""

from __future__ import annotations

import pytest

from mock_server.packs.registry.api import ENKELTOPPSLAG_PATH
from mock_server.packs.registry.service import DEMO_API_KEY, svv_authorization
from mock_server.settings import Settings
from tests.integration.controls.conftest import start_controls

LOOKUP = {"kjennemerke": "BT 57225"}
SVV = {"SVV-Authorization": svv_authorization(DEMO_API_KEY)}
KARI = {"Authorization": "Bearer demo-kari"}


@pytest.mark.parametrize(
    ("apis", "served"), [(None, True), (frozenset({"registry"}), True), (frozenset({"trimble"}), False)]
)
def test_the_registry_api_is_served_only_when_apis_names_it(
    apis: frozenset[str] | None, served: bool
) -> None:
    controls = start_controls(Settings(apis=apis))
    with controls.client:
        answer = controls.client.get(ENKELTOPPSLAG_PATH, params=LOOKUP, headers=SVV)
    assert answer.status_code == (200 if served else 404)
    if served:
        assert answer.json()["kjoretoydataListe"][0]["kjoretoyId"]["kjennemerke"] == "BT 57225"


def test_carowner_still_looks_cars_up_when_the_registry_api_is_not_served() -> None:
    controls = start_controls(Settings(apis=frozenset({"carowner", "navixy"})))
    with controls.client:
        linked = controls.client.post(
            "/api/co/vehicles", headers=KARI, json={"registration_number": "EL12345"}
        )
    assert linked.status_code == 201, linked.text
    assert linked.json()["data"]["make"] == "BMW"


def test_a_sandbox_is_told_the_registry_api_key_only_when_the_registry_is_served() -> None:
    for apis, told in ((None, {"api_key": DEMO_API_KEY}), (frozenset({"trimble"}), None)):
        controls = start_controls(Settings(apis=apis))
        with controls.client:
            credentials = controls.client.get("/__mock/sandbox", headers=KARI).json()["credentials"]
        assert credentials.get("registry") == told
