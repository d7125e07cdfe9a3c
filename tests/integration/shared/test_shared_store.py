"""What a store several mocks share adds: each finds what another made, changed or deleted; images
travel too; health and readiness tell a load balancer where to send requests; an unreachable
database is a 503 that changed nothing, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from mock_server.domain.limits import SandboxLimits
from mock_server.settings import Settings
from tests.image_files import picture
from tests.integration.controls.conftest import Controls, start_controls
from tests.postgres_support import close_state, fresh_database, two_mocks_on_one_database

PNG = picture("image/png", 2, 2)


@pytest.fixture
def pair() -> Iterator[tuple[Controls, Controls]]:
    with two_mocks_on_one_database(start_controls) as mocks:
        yield mocks


def test_a_sandbox_made_on_one_mock_works_on_the_other(pair: tuple[Controls, Controls]) -> None:
    one, other = pair
    token = one.new_sandbox("one-car")
    answer = other.call("GET", "/api/co/vehicles", token)
    assert answer.status_code == 200 and len(answer.json()["data"]) == 1
    # The other mock's token check found it: so does its control API.
    assert other.call("GET", "/__mock/sandbox", token).json()["token"] == token


def test_a_token_deleted_on_one_mock_may_be_taken_again_on_the_other(pair: tuple[Controls, Controls]) -> None:
    one, other = pair
    token = one.new_sandbox("one-car", token="shared-again-0001")
    assert other.call("DELETE", "/__mock/sandbox", token).status_code == 204
    assert one.new_sandbox(token=token) == token  # the mock that made it held it still
    answer = other.call("GET", "/api/co/vehicles", token)
    assert answer.status_code == 200 and answer.json()["data"] == []  # the new, empty one


def test_a_token_taken_on_one_mock_is_taken_on_the_other(pair: tuple[Controls, Controls]) -> None:
    one, other = pair
    one.new_sandbox(token="shared-taken-0001")
    again = other.client.post("/__mock/sandboxes", json={"token": "shared-taken-0001"})
    assert (again.status_code, again.json()["code"]) == (409, "SANDBOX_TOKEN_TAKEN")


def test_a_sandbox_deleted_on_one_mock_is_gone_on_the_other(pair: tuple[Controls, Controls]) -> None:
    one, other = pair
    token = one.new_sandbox("one-car")
    assert other.call("GET", "/api/co/vehicles", token).status_code == 200
    assert one.call("DELETE", "/__mock/sandbox", token).status_code == 204
    assert other.call("GET", "/api/co/vehicles", token).status_code == 401
    assert other.world.sandboxes.peek(token) is None


def test_an_image_uploaded_to_one_mock_is_served_by_the_other(pair: tuple[Controls, Controls]) -> None:
    one, other = pair
    token = one.new_sandbox()
    linked = one.call(
        "POST", "/api/co/vehicles", token,
        files={"file": ("bil.png", PNG, "image/png")}, data={"registration_number": "CV12345"},
    )  # fmt: skip
    assert linked.status_code == 201, linked.text
    url = linked.json()["data"]["image_url"]
    path = url[url.index("/media/") :]
    assert other.client.get(path).content == PNG
    # Unlinked on the other mock: the image is freed in the store, and 404 where nothing shows it.
    assert other.call("DELETE", "/api/co/vehicles", token, params={"reg": "CV12345"}).status_code == 200
    fresh = start_controls(Settings(state_url=one.world.state.url))  # type: ignore[union-attr]
    with fresh.client:
        assert fresh.client.get(path).status_code == 404
    close_state(fresh.world)


def test_snapshots_taken_on_one_mock_are_restored_on_the_other(pair: tuple[Controls, Controls]) -> None:
    one, other = pair
    token = one.new_sandbox("one-car")
    assert one.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "before"}).status_code == 201
    assert (
        one.call("POST", "/api/co/vehicles", token, json={"registration_number": "DN54321"}).status_code
        == 201
    )
    assert other.call("POST", "/__mock/sandbox/snapshots/before/restore", token).status_code == 200
    assert len(one.call("GET", "/api/co/vehicles", token).json()["data"]) == 1


def test_health_and_readiness_name_the_store(pair: tuple[Controls, Controls]) -> None:
    one, _ = pair
    assert one.client.get("/__mock/health").json() == {"status": "ok", "store": "postgresql"}
    assert one.client.get("/__mock/ready").json() == {"status": "ok", "store": "postgresql"}
    memory = start_controls(Settings(demo=False))
    with memory.client:
        assert memory.client.get("/__mock/ready").json() == {"status": "ok", "store": "memory"}


def test_an_unreachable_database_is_a_503_that_changed_nothing(pair: tuple[Controls, Controls]) -> None:
    one, _ = pair
    state = one.world.state
    assert state is not None
    url, state.url = state.url, "postgresql://postgres@127.0.0.1:1/none"  # nothing listens there
    state._db.close()  # the connection dropped, as when the database goes away
    state._idle.clear()
    try:
        assert one.client.get("/__mock/health").status_code == 200  # alive, but
        assert one.client.get("/__mock/ready").status_code == 503  # not ready
        for method, path in (("GET", "/api/co/vehicles"), ("PUT", "/api/co/vehicles/KH60518")):
            answer = one.call(method, path, "demo-kari", json={"nickname": "x"} if method == "PUT" else None)
            assert (answer.status_code, answer.json()["code"]) == (503, "SERVER_BUSY"), answer.text
            assert answer.headers["retry-after"] == "1"
    finally:
        state.url = url
    assert one.client.get("/__mock/ready").status_code == 200  # back once the database is
    assert one.call("GET", "/api/co/vehicles", "demo-kari").status_code == 200


def test_a_sandbox_used_through_another_mock_is_not_idle() -> None:
    limits = SandboxLimits(idle_expiry_seconds=60)
    with fresh_database() as url:
        one, other = (start_controls(Settings(state_url=url, demo=False, limits=limits)) for _ in range(2))
        with one.client, other.client:
            used, unused = one.new_sandbox(), one.new_sandbox()
            assert other.call("GET", "/api/co/vehicles", used).status_code == 200
            one.sandbox(used).last_used -= 120  # idle as far as this mock saw
            one.sandbox(unused).last_used -= 120
            with psycopg.connect(url, autocommit=True) as db:  # and as far as any mock saw
                db.execute("UPDATE minbil_sandboxes SET used_at = now() - interval '2 minutes'"
                           " WHERE token = %s", (unused,))  # fmt: skip
            one.new_sandbox()  # making a sandbox sweeps the idle ones
            assert one.call("GET", "/api/co/vehicles", used).status_code == 200
            assert other.call("GET", "/api/co/vehicles", unused).status_code == 401
        close_state(one.world)
        close_state(other.world)


def test_the_sandbox_limit_counts_the_sandboxes_of_every_mock_on_the_store() -> None:
    with fresh_database() as url:
        settings = Settings(state_url=url, limits=SandboxLimits(max_sandboxes=2))
        one, other = start_controls(settings), start_controls(settings)
        try:
            with one.client, other.client:
                first = one.new_sandbox()
                other.new_sandbox()
                refused = one.client.post("/__mock/sandboxes")
                assert (refused.status_code, refused.json()["code"]) == (429, "SANDBOX_LIMIT_REACHED")
                assert other.client.post("/__mock/sandboxes").status_code == 429
                assert other.call("DELETE", "/__mock/sandbox", first).status_code == 204
                assert one.client.post("/__mock/sandboxes").status_code == 201
        finally:
            close_state(one.world)
            close_state(other.world)


def test_the_storage_budget_counts_what_every_mock_on_the_store_keeps() -> None:
    with fresh_database() as url:
        # Room for the demo users' start snapshots and a few more, not for a hundred.
        settings = Settings(state_url=url, limits=SandboxLimits(storage_budget_bytes=400_000))
        one, other = start_controls(settings), start_controls(settings)
        try:
            with one.client, other.client:
                token = one.new_sandbox("family-three-cars")
                snapshots = "/__mock/sandbox/snapshots"
                taken = 0
                while (
                    answer := one.call("POST", snapshots, token, json={"name": f"s{taken}"})
                ).status_code == 201:
                    taken += 1
                assert answer.json()["code"] == "STORAGE_LIMIT_REACHED" and taken > 0
                # The other mock holds none of these snapshots, yet the budget is spent for it too.
                mine = other.new_sandbox("family-three-cars")
                again = other.call("POST", snapshots, mine, json={"name": "one-more"})
                assert (again.status_code, again.json()["code"]) == (429, "STORAGE_LIMIT_REACHED")
        finally:
            close_state(one.world)
            close_state(other.world)


def test_a_sandboxs_fault_rule_draws_one_sequence_whichever_mock_serves_each_request(
    pair: tuple[Controls, Controls],
) -> None:
    one, other = pair
    rule = {"rule": "GET /api/co/vehicles: error=0.5:503", "seed": 7}
    runs = []
    for serving in ([one, other] * 15, [one] * 30):  # alternately, then all on one mock
        token = one.new_sandbox(token="shared-faults-0001")
        assert one.call("POST", "/__mock/sandbox/faults", token, json=rule).status_code == 201
        runs.append([mock.call("GET", "/api/co/vehicles", token).status_code for mock in serving])
        assert other.call("DELETE", "/__mock/sandbox", token).status_code == 204  # its draws go too
    assert runs[0] == runs[1] and set(runs[0]) == {200, 503}
