"""Linking, unlinking and the primary-vehicle rules of API-SEMANTICS, through the HTTP API."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.packs.carowner.state import owner_state

from .conftest import KARI, Mock

PLATES = ["CV12345", "DN54321", "EL34567", "KH10293", "SU20481"]


def _link(mock: Mock, token: str, plate: str, **extra):
    return mock.post("/api/co/vehicles", token, json={"registration_number": plate, **extra})


def _primaries(mock: Mock, token: str) -> list[str]:
    listed = mock.get("/api/co/vehicles", token).json()["data"]
    return [v["registration_number"] for v in listed if v["is_primary"]]


def test_linking_a_new_vehicle_answers_201_and_again_200_unchanged(mock: Mock) -> None:
    token = mock.new_sandbox()
    first = _link(mock, token, "cv 12-345", nickname="Jobbilen")
    again = _link(mock, token, "CV12345", nickname="Et annet navn")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["data"]["registration_number"] == "CV12345"
    assert again.json()["data"] == first.json()["data"]


def test_the_first_linked_vehicle_becomes_primary_and_later_ones_do_not(mock: Mock) -> None:
    token = mock.new_sandbox()
    assert _link(mock, token, "CV12345").json()["data"]["is_primary"] is True
    assert _link(mock, token, "DN54321").json()["data"]["is_primary"] is False
    assert _primaries(mock, token) == ["CV12345"]


def test_unlinking_keeps_the_record_so_a_relink_returns_the_same_vehicle(mock: Mock) -> None:
    token = mock.new_sandbox()
    before = _link(mock, token, "CV12345").json()["data"]
    assert mock.delete("/api/co/vehicles?reg=CV12345", token).status_code == 200
    assert mock.get("/api/co/vehicles?reg=CV12345", token).status_code == 404
    after = _link(mock, token, "CV12345")
    assert after.status_code == 201
    for field in ("vin", "make", "model", "registry_refreshed_at"):
        assert after.json()["data"][field] == before[field]


def test_removing_the_primary_promotes_the_most_recently_updated_vehicle(mock: Mock) -> None:
    token = mock.new_sandbox()
    for plate in ("CV12345", "DN54321", "KH10293"):
        _link(mock, token, plate)
    mock.put("/api/co/vehicles/DN54321", token, json={"nickname": "Sist endret"})
    answer = mock.delete("/api/co/vehicles?registration_number=CV12345", token)
    assert answer.json()["data"] == {
        "registration_number": "CV12345",
        "unlinked": True,
        "primary_registration_number": "DN54321",
    }
    assert _primaries(mock, token) == ["DN54321"]


def test_unlinking_the_last_vehicle_leaves_no_primary(mock: Mock) -> None:
    token = mock.new_sandbox()
    _link(mock, token, "CV12345")
    answer = mock.delete("/api/co/vehicles?reg=CV12345", token).json()["data"]
    assert answer["primary_registration_number"] is None
    assert mock.get("/api/co/vehicles", token).json()["data"] == []


def test_set_primary_makes_exactly_that_vehicle_primary(mock: Mock) -> None:
    token = mock.new_sandbox()
    for plate in ("CV12345", "DN54321"):
        _link(mock, token, plate)
    answer = mock.post("/api/co/vehicles/set-primary", token, json={"registration_number": "dn 54321"})
    assert answer.status_code == 200 and answer.json()["data"]["is_primary"] is True
    assert _primaries(mock, token) == ["DN54321"]


def test_updating_a_nickname_bumps_updated_at_and_null_clears_it(mock: Mock) -> None:
    token = mock.new_sandbox()
    linked = _link(mock, token, "CV12345", nickname="Gammel").json()["data"]
    renamed = mock.put("/api/co/vehicles/CV12345", token, json={"nickname": "Ny"}).json()["data"]
    assert renamed["nickname"] == "Ny" and renamed["updated_at"] > linked["updated_at"]
    cleared = mock.put("/api/co/vehicles/CV12345", token, json={"nickname": None}).json()["data"]
    assert cleared["nickname"] is None


def test_refresh_and_set_primary_leave_updated_at_alone(mock: Mock) -> None:
    token = mock.new_sandbox()
    linked = _link(mock, token, "CV12345").json()["data"]
    refreshed = mock.post("/api/co/vehicles/refresh/CV12345", token).json()["data"]
    assert refreshed["updated_at"] == linked["updated_at"]
    assert refreshed["registry_refreshed_at"] > linked["registry_refreshed_at"]


def test_operations_on_a_vehicle_that_is_not_linked_answer_404_vehicle_not_linked(mock: Mock) -> None:
    token = mock.new_sandbox()
    answers = [
        mock.get("/api/co/vehicles?reg=CV12345", token),
        mock.delete("/api/co/vehicles?reg=CV12345", token),
        mock.put("/api/co/vehicles/CV12345", token, json={"nickname": "x"}),
        mock.post("/api/co/vehicles/refresh/CV12345", token),
        mock.post("/api/co/vehicles/set-primary", token, json={"registration_number": "CV12345"}),
    ]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [(404, "VEHICLE_NOT_LINKED")] * 5


def test_a_plate_the_registry_does_not_know_answers_404_and_links_nothing(mock: Mock) -> None:
    token = mock.new_sandbox()
    answer = _link(mock, token, "IO12345")
    assert (answer.status_code, answer.json()["code"]) == (404, "VEHICLE_NOT_FOUND_IN_REGISTRY")
    assert mock.get("/api/co/vehicles", token).json()["data"] == []


def test_registration_number_and_reg_must_agree(mock: Mock) -> None:
    conflict = mock.get("/api/co/vehicles?registration_number=BT57225&reg=EL42817")
    same = mock.get("/api/co/vehicles?registration_number=BT57225&reg=bt-57225")
    assert (conflict.status_code, conflict.json()["code"]) == (400, "REGISTRATION_NUMBER_CONFLICT")
    assert same.status_code == 200


def test_unlinking_without_a_plate_is_refused(mock: Mock) -> None:
    answer = mock.delete("/api/co/vehicles")
    assert (answer.status_code, answer.json()["code"]) == (400, "REGISTRATION_NUMBER_REQUIRED")
    assert len(mock.get("/api/co/vehicles").json()["data"]) == 3


def test_norwegian_registry_text_passes_through_as_utf8(mock: Mock) -> None:
    answer = mock.post("/api/co/vehicles/refresh/BT57225", KARI)
    assert answer.json()["data"]["colour"] == "Grå"
    assert "Grå".encode() in answer.content


operations = st.lists(
    st.tuples(st.sampled_from(["link", "unlink", "set-primary", "rename"]), st.sampled_from(PLATES)),
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_exactly_one_primary_whenever_any_vehicle_is_linked(shared_mock: Mock, steps) -> None:
    """Random link/unlink/set-primary/rename sequences against a plain model of the rules."""
    mock = shared_mock
    token = mock.new_sandbox()
    linked: dict[str, str] = {}  # plate -> updated_at
    primary: str | None = None
    for action, plate in steps:
        if action == "link":
            answer = _link(mock, token, plate)
            assert answer.status_code == (200 if plate in linked else 201)
            if plate not in linked:
                linked[plate] = answer.json()["data"]["updated_at"]
                primary = primary or plate
        elif action == "unlink":
            answer = mock.delete(f"/api/co/vehicles?reg={plate}", token)
            assert answer.status_code == (200 if plate in linked else 404)
            if linked.pop(plate, None) is not None and plate == primary:
                primary = max(linked, key=linked.__getitem__) if linked else None
        elif action == "set-primary":
            answer = mock.post("/api/co/vehicles/set-primary", token, json={"registration_number": plate})
            assert answer.status_code == (200 if plate in linked else 404)
            primary = plate if plate in linked else primary
        else:
            answer = mock.put(f"/api/co/vehicles/{plate}", token, json={"nickname": "Omdøpt"})
            assert answer.status_code == (200 if plate in linked else 404)
            if plate in linked:
                linked[plate] = answer.json()["data"]["updated_at"]
        assert _primaries(mock, token) == ([primary] if primary else [])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(PLATES[:4]), tied=st.integers(min_value=0, max_value=2))
def test_a_tie_in_updated_at_goes_to_the_latest_link_then_the_first_plate(
    shared_mock: Mock, order, tied
) -> None:
    """A server keeping whole seconds sees ties; the spec's Decision breaks them, in this order."""
    mock = shared_mock
    token = mock.new_sandbox()
    for plate in order:
        _link(mock, token, plate)
    links = owner_state(mock.sandbox(token)).links
    same_second = links[order[0]].updated_at
    candidates = order[1:]
    for plate in candidates:
        links[plate].updated_at = links[plate].linked_at = same_second
    later_link = candidates[tied]
    links[later_link].linked_at = same_second.replace(year=same_second.year + 1)
    answer = mock.delete(f"/api/co/vehicles?reg={order[0]}", token).json()["data"]
    assert answer["primary_registration_number"] == later_link
    # With linked_at tied as well, the first plate in alphabetical order is chosen.
    links[later_link].linked_at = same_second
    answer = mock.delete(f"/api/co/vehicles?reg={later_link}", token).json()["data"]
    remaining = [plate for plate in candidates if plate != later_link]
    assert answer["primary_registration_number"] == sorted(remaining)[0]


def _listed(mock: Mock, token: str) -> list[str]:
    return [v["registration_number"] for v in mock.get("/api/co/vehicles", token).json()["data"]]


def test_the_vehicle_list_is_primary_first_then_longest_linked_first(mock: Mock) -> None:
    token = mock.new_sandbox()
    for plate in ("CV12345", "DN54321", "KH10293", "SU20481"):
        _link(mock, token, plate)
    mock.post("/api/co/vehicles/set-primary", token, json={"registration_number": "KH10293"})
    mock.put("/api/co/vehicles/SU20481", token, json={"nickname": "Endret sist"})  # updates do not reorder
    assert _listed(mock, token) == ["KH10293", "CV12345", "DN54321", "SU20481"]
    mock.delete("/api/co/vehicles?reg=CV12345", token)
    _link(mock, token, "CV12345")  # linked afresh: now the most recent link
    assert _listed(mock, token) == ["KH10293", "DN54321", "SU20481", "CV12345"]


def test_vehicles_linked_at_the_same_instant_are_listed_by_plate(mock: Mock) -> None:
    token = mock.new_sandbox()
    for plate in ("SU20481", "CV12345", "KH10293", "DN54321"):
        _link(mock, token, plate)
    sandbox = mock.sandbox(token)
    same_instant = owner_state(sandbox).links["SU20481"].linked_at
    for link in owner_state(sandbox).links.values():
        link.linked_at = same_instant
    assert _listed(mock, token) == ["SU20481", "CV12345", "DN54321", "KH10293"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_the_vehicle_list_keeps_its_documented_order_after_any_changes(shared_mock: Mock, steps) -> None:
    mock = shared_mock
    token = mock.new_sandbox()
    for action, plate in steps:
        if action == "link":
            _link(mock, token, plate)
        elif action == "unlink":
            mock.delete(f"/api/co/vehicles?reg={plate}", token)
        elif action == "set-primary":
            mock.post("/api/co/vehicles/set-primary", token, json={"registration_number": plate})
        else:
            mock.put(f"/api/co/vehicles/{plate}", token, json={"nickname": "Omdøpt"})
        listed = mock.get("/api/co/vehicles", token).json()["data"]
        documented = sorted(
            listed, key=lambda v: (not v["is_primary"], v["linked_at"], v["registration_number"])
        )
        assert [v["registration_number"] for v in listed] == [v["registration_number"] for v in documented]
