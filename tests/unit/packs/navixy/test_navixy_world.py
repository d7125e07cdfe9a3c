"""The Navixy pack's own pieces without HTTP: state, demo fleet, credentials, error envelope."""

from __future__ import annotations

import json
import uuid

from hypothesis import assume, given
from hypothesis import strategies as st

from mock_server.packs.base import FleetCar
from mock_server.packs.navixy import actions, api
from mock_server.packs.navixy.errors import DESCRIPTIONS, NavixyError, error_answer
from mock_server.packs.navixy.spec import schema_errors
from mock_server.packs.navixy.world import NavixyState, seed_fleet, shown, state_from_json
from mock_server.store.sandbox import Sandbox

plates = st.from_regex(r"[A-Z]{2} ?[0-9]{4,5}", fullmatch=True)
vins = st.from_regex(r"[A-HJ-NPR-Z0-9]{17}", fullmatch=True)
cars = st.builds(
    FleetCar,
    plate=plates,
    vin=vins,
    make=st.sampled_from(["VOLVO", "SCANIA", "FORD", "TESLA"]),
    model=st.sampled_from(["FH 500", "R 450", "Transit", "Model Y"]),
    kind=st.sampled_from(["truck", "van", "car", "bus"]),
    year=st.integers(1990, 2026),
    fuel=st.sampled_from(["Diesel", "Elektrisk", "Bensin"]),
)


@given(st.lists(cars, max_size=14))
def test_every_fleet_car_is_a_vehicle_with_its_plate_vin_make_and_model(fleet: list[FleetCar]) -> None:
    state = NavixyState()
    seed_fleet(state, fleet)
    vehicles = [shown(v) for _, v in sorted(state.vehicles.items())]
    assert [(v["reg_number"], v["vin"], v["model"]) for v in vehicles] == [
        (car.plate, car.vin, f"{car.make} {car.model}") for car in fleet
    ]
    assert all(not schema_errors("VehicleUpdate", {k: v for k, v in vehicle.items()}) for vehicle in vehicles)
    trackers = [v["tracker_id"] for v in vehicles if v["tracker_id"] is not None]
    assert len(trackers) == len(set(trackers)) == min(8, len(fleet))
    assert {v["type"] for v in vehicles} <= {"truck", "car", "bus"}


@given(st.lists(cars, max_size=10))
def test_the_state_survives_json_unchanged(fleet: list[FleetCar]) -> None:
    state = NavixyState()
    seed_fleet(state, fleet)
    again = state_from_json(json.loads(json.dumps(state.to_json())))
    assert again == state and again.to_json() == state.to_json()


@given(st.text(min_size=1, max_size=30))
def test_credentials_are_derived_from_the_token_and_name_the_sandbox(token: str) -> None:
    sandbox = Sandbox(token=token, user_id=uuid.uuid4(), display_name="T", email="t@example.no")
    shown_ = api.credentials(sandbox)
    assert shown_ == api.credentials(sandbox)
    for name in ("hash", "sub_user_hash"):
        assert len(shown_[name]) == 32 and set(shown_[name]) <= set("0123456789abcdef")
    assert shown_["hash"] != shown_["sub_user_hash"]
    assert set(api.credential_values(sandbox)) == {shown_["hash"], shown_["sub_user_hash"], shown_["login"]}


def test_an_injected_error_answers_in_the_envelope_with_the_code_of_its_status() -> None:
    body, content_type = error_answer(429, "RATE_LIMITED", "Injected.")
    answer = json.loads(body)
    assert content_type == "application/json" and answer["success"] is False
    assert answer["status"]["code"] == 15 and answer["status"]["description"].startswith(DESCRIPTIONS[15])
    assert json.loads(error_answer(503, "X", "y")[0])["status"]["code"] == 14


def test_refusals_carry_their_documented_http_status() -> None:
    assert NavixyError(11).status == 403 and NavixyError(208).status == 403 and NavixyError(15).status == 429
    assert {NavixyError(code).status for code in (3, 4, 7, 102, 201, 217, 234, 247, 261)} == {400}


@given(
    st.lists(
        st.sampled_from(["label", "model", "reg_number", "fuel_grade", "max_speed", "type"]),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    st.lists(st.text(alphabet="ab1 \u00e5", max_size=5), max_size=7),
)
def test_a_batch_row_becomes_a_vehicle_or_says_what_is_wrong(fields: list[str], cells: list[str]) -> None:
    row = "\t".join(cells)
    assume(row.strip())  # a batch of blank rows is refused whole (234)
    converted = actions.batch_convert(NavixyState(), {"batch": row, "fields": fields}, frozenset())["list"][0]
    named = {error["parameter"] for error in converted["errors"]}
    for name in fields:
        if name not in named:
            assert name in converted or name == "type"
    assert not (named - {*fields, "batch", "subtype"})
