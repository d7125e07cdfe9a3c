"""`--apis` chooses the APIs served: one left out answers 404 at its paths, while the docs, the front
page and the control API go on for every sandbox."""

from __future__ import annotations

import pytest

from mock_server.settings import Settings
from tests.integration.controls.conftest import start_controls

KARI = {"Authorization": "Bearer demo-kari"}
FLEET = {"Authorization": "bearer demo-fleet"}


def test_without_carowner_the_fleet_apis_docs_front_page_and_controls_are_served() -> None:
    controls = start_controls(Settings(apis=frozenset({"navixy", "trimble"})))
    with controls.client as client:
        assert client.get("/api/co/vehicles", headers=KARI).status_code == 404
        assert client.get("/ui/").status_code == 404
        assert client.get("/api/assets/v1/vehicles", headers=FLEET).status_code == 200
        assert client.get("/docs").status_code == 200
        assert client.get("/").status_code == 200
        sandbox = client.get("/__mock/sandbox", headers=KARI)
        assert sandbox.status_code == 200
        assert set(sandbox.json()["credentials"]) == {"navixy", "trimble"}
        assert client.post("/__mock/sandbox/reset", headers=KARI).status_code == 200


def test_a_carowner_fault_is_unknown_when_carowner_is_not_served() -> None:
    with pytest.raises(ValueError, match="unknown planted fault"):
        start_controls(Settings(apis=frozenset({"trimble"}), planted_faults=frozenset({"relink-201"})))


def test_without_carowner_its_workshop_controls_are_not_served_and_the_engines_are() -> None:
    controls = start_controls(Settings(apis=frozenset({"navixy", "trimble"})))
    with controls.client as client:
        event = {"type": "booking.requested", "registration_number": "BT57225"}
        assert client.post("/__mock/sandbox/workshop-events", headers=KARI, json=event).status_code == 404
        assert client.get("/__mock/sandbox/bookings", headers=KARI).status_code == 404
        assert client.get("/__mock/sandbox/notifications", headers=KARI).status_code == 404
        assert client.get("/__mock/sandbox/faults", headers=KARI).status_code == 200
        assert client.get("/__mock/sandbox/journal", headers=KARI).status_code == 200
        shown = client.get("/__mock/sandbox", headers=KARI).json()
        assert {"linked_vehicles", "fault_rules"} <= set(shown["counts"]) and "registry_faults" in shown
        paths = client.get("/__mock/openapi.json").json()["paths"]
        assert not {"/sandbox/workshop-events", "/sandbox/bookings", "/sandbox/notifications"} & set(paths)
        assert "/sandbox/faults" in paths and "/sandbox/journal" in paths


def test_with_carowner_the_control_api_serves_every_operation_of_its_spec() -> None:
    from mock_server.control.api import load_spec

    controls = start_controls(Settings())
    with controls.client as client:
        assert client.get("/__mock/openapi.json").json()["paths"].keys() == load_spec()["paths"].keys()
        assert client.get("/__mock/sandbox/bookings", headers=KARI).status_code == 200


def test_a_registry_fault_is_the_registry_packs_and_unknown_when_it_is_not_served() -> None:
    with pytest.raises(ValueError, match="unknown planted fault"):
        start_controls(
            Settings(apis=frozenset({"carowner"}), planted_faults=frozenset({"registry-null-fields"}))
        )
    controls = start_controls(
        Settings(apis=frozenset({"registry"}), planted_faults=frozenset({"registry-plate-without-space"}))
    )
    with controls.client as client:
        answer = client.get(
            "/ws/no/vegvesen/kjoretoy/felles/datautlevering/enkeltoppslag/kjoretoydata",
            params={"kjennemerke": "EK 39085"},
            headers={"SVV-Authorization": "Apikey minbil-demo-apikey"},
        )
        assert answer.status_code == 200, answer.text
        plates = [r["kjoretoyId"]["kjennemerke"] for r in answer.json()["kjoretoydataListe"]]
        assert plates and all(" " not in plate for plate in plates)
