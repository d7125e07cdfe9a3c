"""The engine serves any API pack the same way: a toy pack whose caller names its sandbox by a key in
the query or the JSON body (as Navixy's hash) gets journal, faults, snapshots, persistence and
credentials with no code of its own for them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import orjson
import pytest
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.testclient import TestClient
from starlette.types import Scope

from mock_server.app import MockWorld, build_world, create_app
from mock_server.packs.base import ApiPack, FleetCar, StoredPackState, pack_state, register
from mock_server.settings import Settings
from mock_server.store.serialise import sandbox_from_state, sandbox_state

SPEC = Path(__file__).with_name("toy_pack.yaml")


@dataclass
class ToyState:
    items: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"items": list(self.items)}


def _key(sandbox: Any) -> str:
    return hashlib.sha256(f"toy:{sandbox.token}".encode()).hexdigest()[:32]


def _key_in(scope: Scope, body: bytes) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode())
    if "key" in query:
        return query["key"][0]
    try:
        return orjson.loads(body).get("key") if body else None
    except (orjson.JSONDecodeError, AttributeError):
        return None


def _mount(app: Any, world: MockWorld) -> None:
    def state_of(key: str) -> ToyState | None:
        sandbox = world.sandboxes.by_credential(key)
        return pack_state(sandbox, TOY) if sandbox is not None else None

    async def toyListItems(key: str, add: str | None = None):
        state = state_of(key)
        if state is None:
            return {"error": "unknown key"}, 403
        if add is not None:  # a GET that changes state, as Navixy's actions may come
            state.items.append(add)  # declared by changes_state, so persisted like a POST
        return {"items": state.items}, 200

    async def toyAddItem(body: dict[str, Any]):
        state = state_of(body["key"])
        if state is None:
            return {"error": "unknown key"}, 403
        state.items.append(body["name"])
        return {"items": state.items}, 200

    operations = {"toyListItems": toyListItems, "toyAddItem": toyAddItem}
    app.add_api(
        SPEC,
        base_path="/toy",
        name="toy",
        resolver=Resolver(function_resolver=operations.__getitem__),
        validate_responses=True,
        swagger_ui_options=SwaggerUIOptions(swagger_ui=False, serve_spec=False),
    )


def _seed(state: Any, cars: list[FleetCar]) -> None:
    state.items.extend(car.plate for car in cars)


TOY = register(
    ApiPack(
        name="toy",
        title="Toy API",
        spec_path=SPEC,
        base_path="/toy",
        new_state=ToyState,
        state_from_json=lambda raw: ToyState(list(raw["items"])),
        credentials=lambda sandbox: {"key": _key(sandbox)},
        credential_values=lambda sandbox: [_key(sandbox)],
        credential_in=_key_in,
        mount=_mount,
        seed_fleet=_seed,
        error_answer=lambda status, code, detail: (
            orjson.dumps({"error": code, "why": detail}),
            "application/json",
        ),
        faults={"toy-loses-items": "the list forgets its last item"},
        changes_state=lambda scope: b"add=" in scope.get("query_string", b""),
    )
)


def _client(settings: Settings | None = None) -> tuple[MockWorld, TestClient]:
    settings = settings or Settings(demo=False)
    world = build_world(settings, packs=(TOY,))
    return world, TestClient(create_app(settings, world), raise_server_exceptions=False)


def _new_sandbox(client: TestClient) -> tuple[str, str]:
    answer = client.post("/__mock/sandboxes", json={})
    assert answer.status_code == 201, answer.text
    return answer.json()["token"], answer.json()["credentials"]["toy"]["key"]


def _journal(client: TestClient, token: str) -> list[dict[str, Any]]:
    answer = client.get("/__mock/sandbox/journal", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"]


def test_the_control_api_gives_each_sandbox_a_credential_per_api() -> None:
    _, client = _client()
    with client:
        token, key = _new_sandbox(client)
        answer = client.get("/__mock/sandbox", headers={"Authorization": f"Bearer {token}"}).json()
        assert answer["credentials"] == {"toy": {"key": key}}


def test_an_engine_serving_only_the_toy_pack_knows_no_other_api() -> None:
    _, client = _client()
    with client:
        token, _ = _new_sandbox(client)
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/co/vehicles", headers=bearer).status_code == 404
        assert client.get("/api/assets/v1/vehicles", headers=bearer).status_code == 404
        assert client.get("/__mock/sandbox", headers=bearer).status_code == 200
        assert client.get("/docs").status_code == 200


def test_a_credential_in_the_body_or_the_query_names_the_sandbox_for_the_journal() -> None:
    _, client = _client()
    with client:
        token, key = _new_sandbox(client)
        other, _ = _new_sandbox(client)
        assert client.post("/toy/items", json={"key": key, "name": "Lastebil 1"}).status_code == 200
        assert client.get("/toy/items", params={"key": key}).json() == {"items": ["Lastebil 1"]}
        paths = [(entry["method"], entry["path"]) for entry in _journal(client, token)]
        assert ("POST", "/toy/items") in paths and ("GET", "/toy/items") in paths
        assert not any(entry["path"].startswith("/toy") for entry in _journal(client, other))


def test_sandboxes_do_not_share_a_packs_state() -> None:
    _, client = _client()
    with client:
        _, first = _new_sandbox(client)
        _, second = _new_sandbox(client)
        client.post("/toy/items", json={"key": first, "name": "Varebil 2"})
        assert client.get("/toy/items", params={"key": second}).json() == {"items": []}


def test_an_injected_fault_answers_in_the_apis_own_error_shape() -> None:
    _, client = _client()
    with client:
        token, key = _new_sandbox(client)
        rule = {"rule": "toyListItems: error=100%:503"}
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post("/__mock/sandbox/faults", headers=headers, json=rule).status_code == 201
        answer = client.get("/toy/items", params={"key": key})
        assert answer.status_code == 503
        assert answer.json()["error"]
        assert answer.headers["Retry-After"]


def test_a_snapshot_and_a_reset_cover_the_packs_part_of_the_world() -> None:
    _, client = _client()
    with client:
        token, key = _new_sandbox(client)
        headers = {"Authorization": f"Bearer {token}"}
        client.post("/toy/items", json={"key": key, "name": "Bil 1"})
        assert (
            client.post("/__mock/sandbox/snapshots", headers=headers, json={"name": "one"}).status_code == 201
        )
        client.post("/toy/items", json={"key": key, "name": "Bil 2"})
        assert client.post("/__mock/sandbox/snapshots/one/restore", headers=headers).status_code == 200
        assert client.get("/toy/items", params={"key": key}).json() == {"items": ["Bil 1"]}
        assert client.post("/__mock/sandbox/reset", headers=headers).status_code == 200
        assert client.get("/toy/items", params={"key": key}).json() == {"items": []}


def test_a_restart_with_state_keeps_what_a_post_or_a_changing_get_acknowledged(tmp_path: Path) -> None:
    settings = Settings(demo=False, state_path=tmp_path / "state.sqlite")
    first, client = _client(settings)
    assert first.state is not None
    first.state.mark_seeded()  # as the CLI's seeding does: the next start restores this world
    with client:
        answer = client.post("/__mock/sandboxes", json={"token": "toy-restart-1"})
        key = answer.json()["credentials"]["toy"]["key"]
        client.post("/toy/items", json={"key": key, "name": "posted"})
        client.get("/toy/items", params={"key": key, "add": "got"})
    world, client = _client(settings)
    with client:
        assert client.get("/toy/items", params={"key": key}).json() == {"items": ["posted", "got"]}
        assert world.sandboxes.by_credential(key) is world.sandboxes.by_token("toy-restart-1")


def test_an_unknown_packs_stored_state_is_kept_unchanged() -> None:
    world, _ = _client()
    sandbox = world.lifecycle.create()
    sandbox.packs["gone"] = StoredPackState({"anything": [1, 2]})
    again = sandbox_from_state(
        sandbox.token, sandbox.user_id, orjson.loads(orjson.dumps(sandbox_state(sandbox)))
    )
    assert again.packs["gone"].to_json() == {"anything": [1, 2]}


def test_a_packs_planted_faults_are_known_names() -> None:
    build_world(Settings(demo=False, planted_faults=frozenset({"toy-loses-items"})), packs=(TOY,))
    with pytest.raises(ValueError, match="unknown planted fault"):
        build_world(Settings(demo=False, planted_faults=frozenset({"toy-loses-items"})), packs=())


def test_a_deleted_sandbox_credential_names_nothing() -> None:
    world, client = _client()
    with client:
        token, key = _new_sandbox(client)
        assert (
            client.delete("/__mock/sandbox", headers={"Authorization": f"Bearer {token}"}).status_code == 204
        )
        assert world.sandboxes.by_credential(key) is None
        assert client.get("/toy/items", params={"key": key}).status_code == 403


class _ClashingControls:
    async def getJournal(self, user: str) -> None: ...


class _UndocumentedControls:
    async def toyReset(self, user: str) -> None: ...


@pytest.mark.parametrize(
    ("controls", "named"), [(_ClashingControls(), "getJournal"), (_UndocumentedControls(), "toyReset")]
)
def test_a_packs_controls_may_not_answer_an_engine_operation_or_one_the_control_spec_lacks(
    controls: object, named: str
) -> None:
    toy = replace(TOY, controls=lambda world: controls)
    with pytest.raises(ValueError, match=named):
        create_app(Settings(demo=False), build_world(Settings(demo=False), packs=(toy,)))
