"""A mock shared by a team: the demo sandboxes are protected, and no client can fill the mock."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.domain.limits import SandboxLimits
from mock_server.settings import Settings
from tests.integration.controls.conftest import Controls, start_controls

KARI = "demo-kari"
ADMIN = "operator-secret-0001"
AS_OPERATOR = {"X-Mock-Admin-Token": ADMIN}


@pytest.fixture
def operated() -> Controls:
    started = start_controls(Settings(admin_token=ADMIN))
    with started.client:
        yield started


def _limited(**limits: object) -> Controls:
    return start_controls(Settings(limits=SandboxLimits(**limits)))  # type: ignore[arg-type]


def _problem(answer, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == code


# --- the demo sandboxes -------------------------------------------------------------------------


def test_nobody_can_delete_the_demo_sandbox_without_the_operator_token(controls: Controls) -> None:
    answer = controls.call("DELETE", "/__mock/sandbox", KARI)
    _problem(answer, 403, "SANDBOX_PROTECTED")
    assert "X-Mock-Admin-Token" in answer.json()["detail"]
    assert controls.call("GET", "/api/co/vehicles", KARI).status_code == 200


def test_the_demo_sandbox_is_reset_and_restored_by_its_token(controls: Controls) -> None:
    controls.call("DELETE", "/api/co/vehicles/BT57225", KARI)
    assert controls.call("POST", "/__mock/sandbox/reset", KARI).status_code == 200
    controls.call("DELETE", "/api/co/vehicles/BT57225", KARI)
    assert controls.call("POST", "/__mock/sandbox/snapshots/start/restore", KARI).status_code == 200
    plates = {v["registration_number"] for v in controls.call("GET", "/api/co/vehicles", KARI).json()["data"]}
    assert "BT57225" in plates


def test_the_demo_start_snapshot_cannot_be_replaced_or_deleted_but_others_can(controls: Controls) -> None:
    _problem(controls.call("POST", "/__mock/sandbox/snapshots", KARI, json={"name": "start"}), 403,
             "SANDBOX_PROTECTED")  # fmt: skip
    _problem(controls.call("DELETE", "/__mock/sandbox/snapshots/start", KARI), 403, "SANDBOX_PROTECTED")
    assert controls.call("POST", "/__mock/sandbox/snapshots", KARI, json={"name": "mine"}).status_code == 201
    assert controls.call("DELETE", "/__mock/sandbox/snapshots/mine", KARI).status_code == 204


def test_the_operator_deletes_the_demo_sandbox_and_only_the_operator_makes_it_anew(
    operated: Controls,
) -> None:
    assert operated.call("DELETE", "/__mock/sandbox", KARI, headers=AS_OPERATOR).status_code == 204
    taken_over = operated.client.post("/__mock/sandboxes", json={"scenario": "empty", "token": KARI})
    _problem(taken_over, 403, "SANDBOX_PROTECTED")
    again = operated.client.post(
        "/__mock/sandboxes", json={"scenario": "demo", "token": KARI}, headers=AS_OPERATOR
    )
    assert again.status_code == 201 and again.json()["token"] == KARI


def test_a_wrong_admin_token_is_refused_not_ignored(operated: Controls) -> None:
    answer = operated.call("DELETE", "/__mock/sandbox", KARI, headers={"X-Mock-Admin-Token": "guess-1234"})
    _problem(answer, 403, "ADMIN_TOKEN_INVALID")
    assert operated.world.sandboxes.by_token(KARI) is not None


def test_an_admin_token_sent_to_a_mock_without_one_is_refused(controls: Controls) -> None:
    answer = controls.call("DELETE", "/__mock/sandbox", KARI, headers=AS_OPERATOR)
    _problem(answer, 403, "ADMIN_TOKEN_INVALID")
    assert "--admin-token" in answer.json()["detail"]


def test_any_other_sandbox_is_deleted_by_its_own_token(controls: Controls) -> None:
    token = controls.new_sandbox()
    assert controls.call("DELETE", "/__mock/sandbox", token).status_code == 204


# --- limits -------------------------------------------------------------------------------------


def test_past_the_sandbox_limit_a_new_sandbox_is_refused_with_429_until_one_is_deleted() -> None:
    controls = _limited(max_sandboxes=2)
    with controls.client:
        first, _ = controls.new_sandbox(), controls.new_sandbox()  # the demo users are not counted
        answer = controls.client.post("/__mock/sandboxes")
        _problem(answer, 429, "SANDBOX_LIMIT_REACHED")
        assert "--max-sandboxes" in answer.json()["detail"]
        controls.call("DELETE", "/__mock/sandbox", first)
        assert controls.client.post("/__mock/sandboxes").status_code == 201


def test_the_operator_is_not_held_to_the_sandbox_limit() -> None:
    controls = start_controls(Settings(admin_token=ADMIN, limits=SandboxLimits(max_sandboxes=1)))
    with controls.client:
        controls.new_sandbox()
        assert controls.client.post("/__mock/sandboxes", headers=AS_OPERATOR).status_code == 201


def test_the_snapshot_limit_per_sandbox_follows_the_setting() -> None:
    controls = _limited(max_snapshots=2)
    with controls.client:
        token = controls.new_sandbox()

        def take(name: str):
            return controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": name})

        assert [take("a").status_code, take("b").status_code] == [201, 201]
        _problem(take("c"), 409, "TOO_MANY_SNAPSHOTS")
        assert take("a").status_code == 200  # replacing one under its own name is no new snapshot


def test_snapshots_past_the_storage_budget_are_refused_with_429_and_nothing_is_kept() -> None:
    controls = _limited(storage_budget_bytes=300_000)
    with controls.client:
        token = controls.new_sandbox("family-three-cars")
        snapshots = "/__mock/sandbox/snapshots"
        answers = [controls.call("POST", snapshots, token, json={"name": f"s{n}"}) for n in range(40)]
        refused = [a for a in answers if a.status_code != 201]
        assert refused, "the budget never ran out"
        _problem(refused[0], 429, "STORAGE_LIMIT_REACHED")
        assert "--storage-budget-mb" in refused[0].json()["detail"]
        kept = controls.sandbox(token).snapshots
        assert len(kept) == 40 - len(refused)
        assert controls.world.lifecycle.snapshot_bytes() <= 300_000


def test_idle_sandboxes_expire_and_the_demo_users_never_do() -> None:
    controls = _limited(idle_expiry_seconds=3600)
    with controls.client:
        idle, busy = controls.new_sandbox(), controls.new_sandbox()
        for token in (idle, KARI, busy):
            controls.sandbox(token).last_used -= 7200
        assert controls.call("GET", "/api/co/vehicles", busy).status_code == 200  # used again: stays
        controls.new_sandbox()  # making a sandbox sweeps the idle ones
        assert controls.call("GET", "/api/co/vehicles", idle).status_code == 401
        assert controls.call("GET", "/__mock/sandbox/journal", idle).status_code == 401
        assert controls.call("GET", "/api/co/vehicles", KARI).status_code == 200
        assert controls.call("GET", "/api/co/vehicles", busy).status_code == 200


def test_without_idle_expiry_an_idle_sandbox_stays() -> None:
    controls = _limited(idle_expiry_seconds=None)
    with controls.client:
        token = controls.new_sandbox()
        controls.sandbox(token).last_used -= 10**9
        controls.new_sandbox()
        assert controls.call("GET", "/api/co/vehicles", token).status_code == 200


DEMO_ATTACKS = st.lists(
    st.sampled_from(
        [
            ("DELETE", "/__mock/sandbox", None),
            ("POST", "/__mock/sandboxes", {"scenario": "empty", "token": KARI}),
            ("POST", "/__mock/sandboxes", {"scenario": "one-car", "token": "demo-ola"}),
            ("POST", "/__mock/sandbox/snapshots", {"name": "start"}),
            ("DELETE", "/__mock/sandbox/snapshots/start", None),
            ("DELETE", "/api/co/vehicles?reg=BT57225", None),
            ("POST", "/__mock/sandbox/reset", None),
            ("POST", "/__mock/sandbox/snapshots/start/restore", None),
        ]
    ),
    max_size=8,
)


@settings(max_examples=20, deadline=None)
@given(attacks=DEMO_ATTACKS, token=st.sampled_from([KARI, "demo-ola"]))
def test_no_request_without_the_operator_token_takes_a_demo_sandbox_over(
    shared_controls: Controls, attacks: list[tuple[str, str, dict | None]], token: str
) -> None:
    before = shared_controls.sandbox(token)
    start = before.snapshots["start"]
    for method, path, body in attacks:
        answer = shared_controls.call(method, path, token, json=body)
        assert answer.status_code < 500, answer.text
    after = shared_controls.sandbox(token)
    assert after is before and after.origin in ("demo", "empty")
    assert after.snapshots["start"] is start
    shared_controls.call("POST", "/__mock/sandbox/snapshots/start/restore", token)
