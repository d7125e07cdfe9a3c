"""The Navixy vehicle API of the mock: actions by POST and GET, the envelope, codes and world rules."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.packs.base import FleetCar, pack_state
from mock_server.packs.navixy import PACK, api
from mock_server.packs.navixy.world import seed_fleet
from tests.integration.conftest import Mock
from tests.integration.packs.navixy.navixy_client import LASTEBIL, Navixy, error_of, navixy_of


@pytest.fixture
def navixy(mock: Mock) -> Navixy:
    return navixy_of(mock)


def test_user_auth_answers_the_sandbox_hash_for_its_login_and_password(navixy: Navixy) -> None:
    token = navixy.token
    for answer in (
        navixy.mock.client.post(
            "/v2/user/auth", json={"login": api.login_of(token), "password": api.password_of(token)}
        ),
        navixy.mock.client.get(
            "/v2/user/auth", params={"login": api.login_of(token), "password": api.password_of(token)}
        ),
    ):
        assert answer.status_code == 200 and answer.json() == {"success": True, "hash": navixy.hash}
    wrong = navixy.mock.client.post("/v2/user/auth", json={"login": api.login_of(token), "password": "feil"})
    assert error_of(wrong) == (400, 102)


def test_the_control_api_shows_the_navixy_credentials(navixy: Navixy) -> None:
    answer = navixy.mock.client.get("/__mock/sandbox", headers={"Authorization": f"Bearer {navixy.token}"})
    shown = answer.json()["credentials"]["navixy"]
    assert shown["hash"] == navixy.hash and shown["sub_user_hash"] == navixy.sub_user_hash
    assert len(shown["hash"]) == 32 and set(shown["hash"]) <= set("0123456789abcdef")
    assert shown["hash"] != shown["sub_user_hash"]


def test_a_created_vehicle_reads_back_by_post_and_get_with_defaults_filled(navixy: Navixy) -> None:
    vehicle_id = navixy.create(
        tracker_id=1002, garage_id=2, tags=[1, 3], payload_height=1.2, reg_number="А001АА96"
    )
    by_post = navixy.read(vehicle_id)
    by_get = navixy.get("vehicle/read", vehicle_id=vehicle_id).json()["value"]
    assert by_post == by_get
    assert by_post["reg_number"] == "А001АА96" and by_post["payload_height"] == 1.2
    assert by_post["tracker_label"] == "Tracker 2" and by_post["garage_organization_name"] == "Verksted Nord"
    assert by_post["color"] is None and by_post["chassis_number"] == "" and by_post["tags"] == [1, 3]


def test_create_by_get_takes_the_vehicle_as_json_text(navixy: Navixy) -> None:
    answer = navixy.get("vehicle/create", vehicle={**LASTEBIL, "label": "Varebil 2"}, force_reassign=False)
    assert answer.status_code == 200
    assert navixy.read(answer.json()["id"])["label"] == "Varebil 2"


def test_a_get_that_is_no_json_text_answers_234(navixy: Navixy) -> None:
    answer = navixy.mock.client.get("/v2/vehicle/list", params={"hash": navixy.hash, "sort": "[type=desc"})
    assert error_of(answer) == (400, 234)


@pytest.mark.parametrize(
    ("hash_value", "code"), [(None, 3), ("", 3), ("ABC", 3), ("0" * 32, 4), ("f" * 31 + "g", 3)]
)
def test_a_missing_or_malformed_hash_answers_3_and_an_unknown_one_4(navixy: Navixy, hash_value, code) -> None:
    body = {"vehicle_id": 101} if hash_value is None else {"hash": hash_value, "vehicle_id": 101}
    answer = navixy.mock.client.post("/v2/vehicle/read", json=body)
    assert error_of(answer) == (400, code)


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("vehicle/create", {"vehicle": LASTEBIL}),
        ("vehicle/update", {"vehicle": {**LASTEBIL, "id": 101}}),
        ("vehicle/delete", {"vehicle_id": 101}),
        ("vehicle/batch_convert", {"batch": "Bil\tVW\tEL 1\t95"}),
    ],
)
def test_the_sub_user_without_vehicle_update_is_refused_with_11(
    navixy: Navixy, action: str, params: dict
) -> None:
    navixy.create()
    assert error_of(navixy.post(action, hash=navixy.sub_user_hash, **params)) == (403, 11)
    assert navixy.post("vehicle/read", hash=navixy.sub_user_hash, vehicle_id=101).status_code == 200


def test_schema_breaches_answer_7_naming_each_parameter(navixy: Navixy) -> None:
    answer = navixy.post("vehicle/create", vehicle={"label": "", "type": "båt"})
    status, code = error_of(answer)
    assert (status, code) == (400, 7)
    named = {error["parameter"] for error in answer.json()["errors"]}
    assert {"vehicle.label", "vehicle.type"} <= named


def test_a_subtype_of_another_type_is_7_and_a_date_that_does_not_exist_234(navixy: Navixy) -> None:
    assert error_of(navixy.post("vehicle/create", vehicle={**LASTEBIL, "subtype": "sedan"})) == (400, 7)
    bad_date = {**LASTEBIL, "liability_insurance_valid_till": "2027-02-30"}
    assert error_of(navixy.post("vehicle/create", vehicle=bad_date)) == (400, 234)


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"tracker_id": 4711}, 400, 201),
        ({"tracker_id": 1009}, 403, 208),
        ({"garage_id": 9}, 400, 201),
        ({"tags": [1, 99]}, 400, 217),
    ],
)
def test_trackers_garages_and_tags_must_be_the_accounts(
    navixy: Navixy, fields: dict, status: int, code: int
) -> None:
    assert error_of(navixy.post("vehicle/create", vehicle={**LASTEBIL, **fields})) == (status, code)


def test_a_bound_tracker_moves_unless_force_reassign_is_false(navixy: Navixy) -> None:
    first = navixy.create(tracker_id=1003)
    refused = navixy.post("vehicle/create", vehicle={**LASTEBIL, "tracker_id": 1003}, force_reassign=False)
    assert error_of(refused) == (400, 247)
    second = navixy.create(tracker_id=1003)
    assert navixy.read(first)["tracker_id"] is None and navixy.read(second)["tracker_id"] == 1003


def test_update_replaces_the_vehicle_and_answers_201_for_an_unknown_one(navixy: Navixy) -> None:
    vehicle_id = navixy.create(color="Rød", tags=[2])
    answer = navixy.post(
        "vehicle/update", vehicle={**LASTEBIL, "id": vehicle_id, "label": "Lastebil 9", "tags": [4]}
    )
    assert answer.status_code == 200 and answer.json() == {"success": True}
    after = navixy.read(vehicle_id)
    assert after["label"] == "Lastebil 9" and after["tags"] == [4] and after["color"] is None
    assert error_of(navixy.post("vehicle/update", vehicle={**LASTEBIL, "id": 999})) == (400, 201)


def test_a_tracker_change_of_a_vehicle_with_service_tasks_answers_261(mock: Mock) -> None:
    navixy = navixy_of(mock)
    cars = [
        FleetCar(f"ZT 4000{n}", f"YS2R4X2000539940{n}", "Scania", "R 450", "truck", 2019, "Diesel")
        for n in range(4)
    ]
    seed_fleet(pack_state(mock.sandbox(navixy.token), PACK), cars)
    held = [
        v
        for v in navixy.post("vehicle/list").json()["list"]
        if v["id"] in pack_state(mock.sandbox(navixy.token), PACK).service_tasks
    ]
    assert held, "the seeded fleet has a vehicle with service tasks"
    vehicle = {
        k: v
        for k, v in held[0].items()
        if k not in ("tracker_label", "garage_organization_name", "icon_id", "avatar_file_name")
    }
    assert error_of(navixy.post("vehicle/update", vehicle={**vehicle, "tracker_id": None})) == (400, 261)
    assert navixy.post("vehicle/update", vehicle={**vehicle, "color": "Blå"}).status_code == 200


def test_delete_one_unknown_is_201_but_unknown_ids_in_a_list_are_skipped(navixy: Navixy) -> None:
    kept, gone = navixy.create(), navixy.create()
    assert error_of(navixy.post("vehicle/delete", vehicle_id=999)) == (400, 201)
    assert navixy.get("vehicle/delete", vehicle_ids=[gone, 999]).json() == {"success": True}
    assert [v["id"] for v in navixy.post("vehicle/list").json()["list"]] == [kept]
    assert error_of(navixy.post("vehicle/delete")) == (400, 7)
    assert error_of(navixy.post("vehicle/delete", vehicle_id=kept, vehicle_ids=[kept])) == (400, 7)


def test_batch_convert_checks_each_row_and_stores_nothing(navixy: Navixy) -> None:
    batch = "Lastebil 7\tVolvo FM\tZT 41777\tDiesel\n\tFord Transit\tEL 55123\n"
    answer = navixy.post("vehicle/batch_convert", batch=batch).json()
    assert answer["success"] is True and answer["limit_exceeded"] is False
    first, second = answer["list"]
    assert (first["label"], first["reg_number"], first["fuel_grade"], first["errors"]) == (
        "Lastebil 7",
        "ZT 41777",
        "Diesel",
        [],
    )
    assert second["errors"] == [{"parameter": "label", "error": "required"}] and "label" not in second
    typed = navixy.post("vehicle/batch_convert", batch="Bil\tmange", fields=["label", "max_speed"]).json()[
        "list"
    ][0]
    assert typed["errors"][0]["parameter"] == "max_speed"
    assert navixy.post("vehicle/list").json()["list"] == []


def test_batch_convert_limits_rows_and_refuses_an_empty_batch_or_a_missing_file(navixy: Navixy) -> None:
    many = navixy.post(
        "vehicle/batch_convert", batch="\n".join(f"Bil {n}\tVW\tEL {n}\t95" for n in range(101))
    ).json()
    assert many["limit_exceeded"] is True and len(many["list"]) == 100
    assert error_of(navixy.post("vehicle/batch_convert", batch="\n \n")) == (400, 234)
    missing = navixy.post("vehicle/batch_convert", file_id="f4c1e2", batch="Bil\tVW\tEL 1\t95")
    assert error_of(missing) == (400, 234) and missing.json()["errors"][0]["parameter"] == "file_id"


def test_a_post_body_that_is_not_json_answers_234_in_the_envelope(navixy: Navixy) -> None:
    client = navixy.mock.client
    assert error_of(
        client.post("/v2/vehicle/list", content=b"{", headers={"content-type": "application/json"})
    ) == (400, 234)
    assert error_of(
        client.post("/v2/vehicle/list", content=b"hash=x", headers={"content-type": "text/plain"})
    ) == (400, 234)
    assert error_of(client.post("/v2/vehicle/list", json=[1])) == (400, 7)


def test_an_injected_error_comes_in_the_navixy_envelope(navixy: Navixy) -> None:
    client = navixy.mock.client
    rule = client.post(
        "/__mock/sandbox/faults",
        json={"rule": "navixyVehicleList: error=100%:429"},
        headers={"Authorization": f"Bearer {navixy.token}"},
    )
    assert rule.status_code == 201, rule.text
    assert error_of(navixy.post("vehicle/list")) == (429, 15)
    other = navixy_of(navixy.mock)
    assert other.post("vehicle/list").status_code == 200


def test_a_sandbox_sees_only_its_own_vehicles(mock: Mock) -> None:
    one, two = navixy_of(mock), navixy_of(mock)
    mine = one.create(label="Min")
    two.create(label="Din")
    two.create(label="Din 2")
    assert [v["label"] for v in one.post("vehicle/list").json()["list"]] == ["Min"]
    assert error_of(one.post("vehicle/read", vehicle_id=mine + 1)) == (400, 201)


SORTABLE = ["id", "label", "reg_number", "type", "max_speed", "tyres_size"]
labels = st.text(alphabet="abAB ÆØå1", min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fleet=st.lists(
        st.tuples(labels, st.sampled_from(["truck", "car", "bus"]), st.none() | st.integers(0, 200)),
        max_size=7,
    ),
    sort=st.lists(
        st.tuples(st.sampled_from(SORTABLE), st.sampled_from(["asc", "desc"])),
        max_size=2,
        unique_by=lambda o: o[0],
    ),
    limit=st.integers(1, 4),
)
def test_list_pages_cover_the_sorted_vehicles_exactly_once(mock: Mock, fleet, sort, limit) -> None:
    navixy = navixy_of(mock)
    for label, kind, speed in fleet:
        navixy.create(label=label, type=kind, subtype=None, max_speed=speed, reg_number=label.upper())
    options = [f"{name}={direction}" for name, direction in sort]
    everything = navixy.get("vehicle/list", sort=options).json()["list"]
    pages = [
        navixy.post("vehicle/list", sort=options, limit=limit, offset=o).json()["list"]
        for o in range(0, len(fleet) + limit, limit)
    ]
    assert [v["id"] for page in pages for v in page] == [v["id"] for v in everything]
    assert sorted(v["id"] for v in everything) == sorted(
        v["id"] for v in navixy.post("vehicle/list").json()["list"]
    )

    def key(vehicle):
        parts = []
        for name, _direction in sort:
            value = vehicle["tyre_size" if name == "tyres_size" else name]
            ranked = (0, 0) if value is None else (1, value.casefold() if isinstance(value, str) else value)
            parts.append(ranked)
        return parts

    for earlier, later in itertools.pairwise(everything):
        for (name, direction), a, b in zip(sort, key(earlier), key(later), strict=False):
            if a != b:
                assert (a < b) == (direction == "asc"), (
                    name,
                    earlier[name if name != "tyres_size" else "tyre_size"],
                    later,
                )
                break


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(needle=st.text(alphabet="aBzÅ1 ", min_size=1, max_size=3))
def test_the_filter_keeps_exactly_the_vehicles_whose_vin_plate_or_label_contains_it(
    mock: Mock, needle: str
) -> None:
    navixy = navixy_of(mock)
    fleet = [("Åsen a", "ZT 11", "VINA1"), ("Bz", "AB 1", "X"), ("c", "zz 9", "YB")]
    for label, plate, vin in fleet:
        navixy.create(label=label, reg_number=plate, vin=vin)
    found = {v["label"] for v in navixy.post("vehicle/list", filter=needle).json()["list"]}
    wanted = {
        label
        for label, plate, vin in fleet
        if any(needle.casefold() in f.casefold() for f in (label, plate, vin))
    }
    assert found == wanted


def test_the_hash_may_come_in_the_query_of_a_post_and_the_body_wins(navixy: Navixy) -> None:
    client = navixy.mock.client
    by_query = client.post(f"/v2/vehicle/list?hash={navixy.hash}", json={"limit": 1})
    assert by_query.status_code == 200 and by_query.json()["success"] is True
    without_body = client.post(
        f"/v2/vehicle/list?hash={navixy.hash}", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert without_body.status_code == 200
    overridden = client.post(f"/v2/vehicle/list?hash={navixy.hash}", json={"hash": "0" * 32})
    assert error_of(overridden) == (400, 4)


def test_a_query_keeps_its_own_limits(navixy: Navixy) -> None:
    long_batch = "\t".join(["Bil"] * 600)
    assert error_of(navixy.get("vehicle/batch_convert", batch=long_batch)) == (400, 7)
    assert navixy.post("vehicle/batch_convert", batch=long_batch).status_code == 200


def test_a_request_is_journaled_for_the_sandbox_its_hash_names(navixy: Navixy) -> None:
    """The body's hash wins over the query's, for the journal as for the answer."""
    other = navixy_of(navixy.mock)
    navixy.mock.client.post(f"/v2/vehicle/list?hash={other.hash}", json={"hash": navixy.hash})

    def journal(token: str) -> list[dict]:
        answer = navixy.mock.client.get(
            "/__mock/sandbox/journal", headers={"Authorization": f"Bearer {token}"}
        )
        return answer.json()["entries"]

    (entry,) = journal(navixy.token)
    assert (entry["operation_id"], entry["status"]) == ("navixyVehicleList", 200)
    assert journal(other.token) == []
