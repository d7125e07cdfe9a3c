"""Named snapshots: whatever happens after a snapshot, restoring it gives the snapshot back."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.store.serialise import sandbox_state
from tests.integration.controls.conftest import Controls

PLATES = ("CV12345", "DN54321", "EL34567")

# One step of what a client may do to its sandbox: (method, path, json body, query).
steps = st.one_of(
    st.sampled_from(PLATES).map(lambda p: ("POST", "/api/co/vehicles", {"registration_number": p}, None)),
    st.sampled_from(PLATES).map(lambda p: ("DELETE", "/api/co/vehicles", None, {"reg": p})),
    st.tuples(st.sampled_from(PLATES), st.text("abcæøå ", min_size=1, max_size=12)).map(
        lambda pn: ("PUT", f"/api/co/vehicles/{pn[0]}", {"nickname": pn[1]}, None)
    ),
    st.sampled_from(PLATES).map(
        lambda p: ("POST", "/api/co/vehicles/set-primary", {"registration_number": p}, None)
    ),
    st.booleans().map(
        lambda on: ("PUT", "/api/co/settings/notifications", {"message.new": {"push": on}}, None)
    ),
    st.integers(1, 5000).map(lambda m: ("POST", "/__mock/sandbox/clock", {"minutes": m}, None)),
    st.sampled_from(PLATES).map(
        lambda p: (
            "POST",
            "/__mock/sandbox/workshop-events",
            {"type": "booking.requested", "registration_number": p},
            None,
        )
    ),
    st.just(("POST", "/__mock/sandbox/faults", {"rule": "GET /api/co/realtime/config: delay=1ms"}, None)),
    st.booleans().map(lambda down: ("PUT", "/__mock/sandbox/registry-faults", {"outage": down}, None)),
)


def _apply(controls: Controls, token: str, step: tuple[str, str, Any, Any]) -> None:
    method, path, body, query = step
    answer = controls.call(method, path, token, json=body, params=query)
    # 503: a step may have taken the sandbox's registry down; anything else 5xx is a bug.
    assert answer.status_code < 500 or answer.json()["code"] == "REGISTRY_UNAVAILABLE", answer.text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.lists(steps, max_size=4), after=st.lists(steps, min_size=1, max_size=6))
def test_restoring_a_snapshot_gives_back_exactly_what_was_snapshotted(
    shared_controls: Controls, before: list, after: list
) -> None:
    token = shared_controls.new_sandbox("one-car")
    for step in before:
        _apply(shared_controls, token, step)
    sandbox = shared_controls.sandbox(token)
    taken = shared_controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "s"})
    assert taken.status_code == 201
    snapshotted = sandbox_state(sandbox)
    vehicles = shared_controls.call("GET", "/api/co/vehicles", token).json()["data"]
    for step in after:
        _apply(shared_controls, token, step)
    restored = shared_controls.call("POST", "/__mock/sandbox/snapshots/s/restore", token)
    assert restored.status_code == 200
    assert sandbox_state(sandbox) == snapshotted
    assert shared_controls.call("GET", "/api/co/vehicles", token).json()["data"] == vehicles


def test_a_snapshot_name_in_use_is_replaced(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox("one-car")
    first = shared_controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "x"})
    shared_controls.call("DELETE", "/api/co/vehicles", token, params={"reg": "EL23456"})
    second = shared_controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "x"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["linked_vehicles"] == 0
    listed = shared_controls.call("GET", "/__mock/sandbox/snapshots", token).json()["snapshots"]
    assert [s["name"] for s in listed] == ["x"]


def test_restoring_or_deleting_an_unknown_snapshot_is_404(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    for method, path in (
        ("POST", "/__mock/sandbox/snapshots/nope/restore"),
        ("DELETE", "/__mock/sandbox/snapshots/nope"),
    ):
        answer = shared_controls.call(method, path, token)
        assert answer.status_code == 404 and answer.json()["code"] == "SNAPSHOT_NOT_FOUND"


def test_a_deleted_snapshot_is_gone(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    shared_controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "gone"})
    assert shared_controls.call("DELETE", "/__mock/sandbox/snapshots/gone", token).status_code == 204
    assert shared_controls.call("GET", "/__mock/sandbox/snapshots", token).json()["snapshots"] == []


def test_snapshots_belong_to_their_sandbox(shared_controls: Controls) -> None:
    mine, theirs = shared_controls.new_sandbox(), shared_controls.new_sandbox()
    shared_controls.call("POST", "/__mock/sandbox/snapshots", mine, json={"name": "private"})
    answer = shared_controls.call("POST", "/__mock/sandbox/snapshots/private/restore", theirs)
    assert answer.status_code == 404


def test_a_sandbox_keeps_at_most_fifty_snapshots(shared_controls: Controls) -> None:
    token = shared_controls.new_sandbox()
    for number in range(50):
        assert (
            shared_controls.call(
                "POST", "/__mock/sandbox/snapshots", token, json={"name": f"s{number}"}
            ).status_code
            == 201
        )
    answer = shared_controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "one-too-many"})
    assert answer.status_code == 409 and answer.json()["code"] == "TOO_MANY_SNAPSHOTS"
