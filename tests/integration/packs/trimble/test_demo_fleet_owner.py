"""The demo fleet owner: one firm's vehicles, as the registry describes them, in the Trimble API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fixtures.fleet_owner import CAR_PLATES, FIRM_NAME, FIRM_ORG_NR, FLEET, FLEET_TOKEN, TRUCKS, VANS
from mock_server.domain.plates import is_valid_org_nr
from mock_server.packs.carowner.seeding import build_seeded_world, fleet_cars
from mock_server.packs.carowner.state import owner_state
from mock_server.packs.registry import registry_of
from mock_server.packs.registry.mapping import to_registry_data
from mock_server.settings import Settings
from tests.integration.controls.conftest import start_controls

URL = "/api/assets/v1/vehicles"
FLEET_AUTH = {"Authorization": f"bearer {FLEET_TOKEN}"}


def test_the_firm_has_a_valid_organisation_number_and_trucks_vans_and_cars() -> None:
    assert is_valid_org_nr(FIRM_ORG_NR) and FIRM_NAME.endswith(" AS")
    kinds = [vehicle.kind for vehicle in FLEET]
    assert kinds.count("truck") >= 3 and kinds.count("van") >= 3 and kinds.count("car") >= 3


def test_the_registry_answers_for_every_fleet_vehicle_with_its_class_and_the_fleet_agrees() -> None:
    world, _ = build_seeded_world(Settings())
    today = datetime.now(UTC).date()
    cars = {car.plate: car for car in fleet_cars(registry_of(world), today)}
    assert set(cars) == {vehicle.plate for vehicle in FLEET}
    expected_class = {spec.plate: spec.technical_code for spec in (*TRUCKS, *VANS)}
    expected_class |= dict.fromkeys(CAR_PLATES, "M1")
    for plate, car in cars.items():
        data = to_registry_data(registry_of(world).record_for_plate(plate, today))
        assert (car.vin, car.make, car.model) == (data.vin, data.make, data.model)
        assert data.vehicle_class == expected_class[plate]
        if car.kind == "truck":
            assert data.max_total_weight_kg > 3500
    assert {cars[spec.plate].make for spec in TRUCKS} >= {"VOLVO", "SCANIA", "MAN"}
    assert {cars[spec.plate].make for spec in VANS} >= {"MERCEDES-BENZ", "VOLKSWAGEN", "FORD"}


def test_every_fleet_vehicle_is_in_the_trimble_api_with_its_vin_plate_make_and_model() -> None:
    controls = start_controls()
    with controls.client:
        listed = controls.client.get(URL, params={"limit": 100}, headers=FLEET_AUTH).json()["data"]
        cars = fleet_cars(registry_of(controls.world), datetime.now(UTC).date())
    by_vin = {item["vehicleId"]: item for item in listed}
    assert len(listed) == len(cars) == len(FLEET)
    for car in cars:
        assert by_vin[car.vin]["name"] == f"{car.plate} {car.make} {car.model}"
        assert by_vin[car.vin]["vehicleGroups"][0]["vehicleGroupName"] in {
            "Lastebiler",
            "Varebiler",
            "Personbiler",
        }


def test_the_demo_fleet_is_protected_and_goes_back_to_its_start() -> None:
    controls = start_controls()
    with controls.client:
        before = controls.client.get(URL, params={"limit": 100}, headers=FLEET_AUTH).json()["data"]
        controls.client.delete(URL, params={"vehicleId": before[0]["vehicleId"]}, headers=FLEET_AUTH)
        assert controls.call("DELETE", "/__mock/sandbox", FLEET_TOKEN).status_code == 403
        assert (
            controls.call("POST", "/__mock/sandbox/snapshots/start/restore", FLEET_TOKEN).status_code == 200
        )
        assert controls.client.get(URL, params={"limit": 100}, headers=FLEET_AUTH).json()["data"] == before
        controls.client.delete(URL, params={"vehicleId": before[0]["vehicleId"]}, headers=FLEET_AUTH)
        assert controls.call("POST", "/__mock/sandbox/reset", FLEET_TOKEN).status_code == 200
        again = controls.client.get(URL, params={"limit": 100}, headers=FLEET_AUTH).json()["data"]
        assert [v["vehicleId"] for v in again] == [v["vehicleId"] for v in before]


def test_the_fleet_owner_scenario_makes_a_fleet_sandbox_of_ones_own() -> None:
    controls = start_controls()
    with controls.client:
        token = controls.new_sandbox("fleet-owner")
        mine = controls.client.get(URL, params={"limit": 100}, headers={"Authorization": f"bearer {token}"})
        assert len(mine.json()["data"]) == len(FLEET)
        assert controls.call("GET", "/__mock/sandbox", token).json()["display_name"] == FIRM_NAME


def test_a_restart_with_the_state_file_keeps_the_demo_fleet(tmp_path: Path) -> None:
    settings = Settings(state_path=tmp_path / "state.sqlite")
    first = start_controls(settings)
    with first.client:
        first.client.put(URL, json=[{"vehicleId": TRUCKS[0].vin, "Name": "Trekkvogn 1"}], headers=FLEET_AUTH)
        kept = first.client.get(URL, params={"limit": 100}, headers=FLEET_AUTH).json()["data"]
    second = start_controls(settings)
    with second.client:
        assert second.client.get(URL, params={"limit": 100}, headers=FLEET_AUTH).json()["data"] == kept
        assert "Trekkvogn 1" in {v["name"] for v in kept}
        assert second.call("POST", "/__mock/sandbox/snapshots/start/restore", FLEET_TOKEN).status_code == 200


def test_the_landing_page_lists_the_fleet_owner_with_its_trimble_credential() -> None:
    controls = start_controls()
    with controls.client:
        users = controls.client.get("/", headers={"Accept": "application/json"}).json()["demo_tokens"]
        page = controls.client.get("/").text
    fleet = next(user for user in users if user["token"] == FLEET_TOKEN)
    assert (
        fleet["name"] == FIRM_NAME and fleet["credentials"]["Trimble"] == "Authorization: bearer demo-fleet"
    )
    assert "Authorization: bearer demo-fleet" in page


def test_the_landing_page_tells_what_each_demo_user_holds_in_each_api() -> None:
    controls = start_controls()
    with controls.client:
        users = controls.client.get("/", headers={"Accept": "application/json"}).json()["demo_tokens"]
        about = {user["token"]: user["about"] for user in users}
        kari = owner_state(controls.sandbox("demo-kari"))
    cars, entries = len(kari.links), len(kari.service_log)
    assert about["demo-kari"] == f"{cars} vehicles, {entries} service-log entries"
    assert about[FLEET_TOKEN] == f"{len(FLEET)} vehicles in the fleet APIs"
    assert "Carowner" not in next(user for user in users if user["token"] == "demo-kari")["credentials"]
