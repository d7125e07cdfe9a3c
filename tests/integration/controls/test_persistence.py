"""`--state FILE` and `--state postgresql://…`: a restart loses nothing that was acknowledged; without
a store nothing is written. Every behaviour test runs against each store."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.app import MockWorld
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.packs.carowner.state import owner_state
from mock_server.settings import Settings
from mock_server.store.serialise import StateVersionError, sandbox_state
from tests.image_files import picture
from tests.integration.controls.conftest import start_controls
from tests.integration.controls.test_snapshots import PLATES, steps
from tests.postgres_support import STORES, close_state, state_store

PNG = picture("image/png", 2, 2)


def _everything(world: MockWorld) -> dict[str, Any]:
    """Each sandbox's state, identity and snapshots, and the stored images."""
    return {
        "sandboxes": {
            s.token: (str(s.user_id), sandbox_state(s), {n: snap.state for n, snap in s.snapshots.items()})
            for s in world.sandboxes
        },
        "images": sorted((i.id, i.content) for i in world.images.all()),
    }


def _restarted(store: dict[str, Any]) -> MockWorld:
    world, _ = build_seeded_world(Settings(**store))
    close_state(world)  # everything is loaded: the test only looks
    return world


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Settings fields of a new, empty store of each kind."""
    with state_store(request.param, tmp_path) as fields:
        yield fields


def test_a_restart_with_state_loses_nothing_acknowledged(store: dict[str, Any]) -> None:
    controls = start_controls(Settings(**store))
    with controls.client:
        token = controls.new_sandbox("one-car", token="ci-persist-0001")
        gone = controls.new_sandbox()
        call = controls.call
        assert call("POST", "/api/co/vehicles", token, files={"file": ("bil.png", PNG, "image/png")},
                    data={"registration_number": "CV12345"}).status_code == 201  # fmt: skip
        call("PUT", "/api/co/vehicles/EL23456", token, json={"nickname": "Lynet"})
        call("PUT", "/api/co/settings/notifications", token, json={"message.new": {"email": False}})
        booking = controls.event(token, type="booking.requested", registration_number="EL23456").json()[
            "booking"
        ]
        controls.event(token, type="booking.accepted", booking_id=booking["id"])
        controls.event(token, type="booking.completed", booking_id=booking["id"])
        call("POST", "/__mock/sandbox/snapshots", token, json={"name": "after-service"})
        call("POST", "/__mock/sandbox/clock", token, json={"days": 2})
        call("POST", "/__mock/sandbox/faults", token, json={"rule": "GET /api/co/vehicles: delay=1ms"})
        call("PUT", "/__mock/sandbox/registry-faults", token, json={"scrapped_plates": ["EL23456"]})
        call("DELETE", "/api/co/vehicles", "demo-kari", params={"reg": "KH60518"})
        call("DELETE", "/__mock/sandbox", gone)
        before = _everything(controls.world)
    close_state(controls.world)
    after = _restarted(store)
    assert _everything(after) == before
    assert after.sandboxes.by_token(gone) is None and after.sandboxes.by_token("demo-kari") is not None


@pytest.mark.parametrize("kind", STORES)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(done=st.lists(steps, min_size=1, max_size=8))
def test_whatever_was_acknowledged_survives_a_restart(kind: str, done: list) -> None:
    with tempfile.TemporaryDirectory() as folder, state_store(kind, Path(folder)) as store:
        controls = start_controls(Settings(**store, demo=False))
        with controls.client:
            token = controls.new_sandbox("one-car")
            for method, url, body, query in done:
                controls.call(method, url, token, json=body, params=query)
            before = _everything(controls.world)
        close_state(controls.world)
        assert _everything(_restarted({**store, "demo": False})) == before


def test_a_restart_serves_the_same_answers(store: dict[str, Any]) -> None:
    first = start_controls(Settings(**store))
    with first.client:
        first.call(
            "POST", "/api/co/vehicles", "demo-ola", json={"registration_number": "DN54321", "nickname": "Ny"}
        )
        answers = [
            first.call("GET", url, "demo-ola").json()["data"]
            for url in ("/api/co/vehicles", "/api/co/service-log/list")
        ]
    close_state(first.world)
    second = start_controls(Settings(**store))
    with second.client:
        again = [
            second.call("GET", url, "demo-ola").json()["data"]
            for url in ("/api/co/vehicles", "/api/co/service-log/list")
        ]
    close_state(second.world)
    assert again == answers


def test_a_failed_request_is_not_what_gets_written(store: dict[str, Any]) -> None:
    controls = start_controls(Settings(**store))
    with controls.client:
        controls.call("POST", "/__mock/sandbox/faults", "demo-ola", json={"rule": "linkVehicle: error=1:503"})
        assert (
            controls.call(
                "POST", "/api/co/vehicles", "demo-ola", json={"registration_number": "DN54321"}
            ).status_code
            == 503
        )
    close_state(controls.world)
    assert owner_state(_restarted(store).sandboxes.by_token("demo-ola")).links == {}


def test_without_state_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    controls = start_controls(Settings())
    with controls.client:
        controls.call("POST", "/api/co/vehicles", "demo-ola", json={"registration_number": "DN54321"})
    assert controls.world.state is None and list(tmp_path.iterdir()) == []


def test_a_state_file_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    build_seeded_world(Settings(state_path=path))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StateVersionError, match="version 999"):
        build_seeded_world(Settings(state_path=path))


def test_a_database_of_another_schema_version_is_refused() -> None:
    with state_store("postgres", Path()) as store:
        close_state(build_seeded_world(Settings(**store))[0])
        import psycopg

        with psycopg.connect(store["state_url"], autocommit=True) as db:
            db.execute("UPDATE minbil_meta SET value = '999' WHERE key = 'schema_version'")
        with pytest.raises(StateVersionError, match="version 999"):
            build_seeded_world(Settings(**store))


# Steps that change a sandbox's service log and its whole state too: resolved against the sandbox
# when they run (a booking, an entry), so each one means something whatever came before it.
log_steps = st.one_of(
    steps,
    st.sampled_from(PLATES).map(lambda p: ("book", p)),
    st.integers(0, 9).map(lambda i: ("accept", i)),
    st.integers(0, 9).map(lambda i: ("complete", i)),
    st.tuples(st.integers(0, 99), st.text("abc ", min_size=1, max_size=8)).map(lambda ib: ("message", *ib)),
    st.just(("snapshot",)),
    st.just(("restore",)),
    st.just(("reset",)),
)


_EVENT = {"accept": "booking.accepted", "complete": "booking.completed"}


def _run(controls: Any, token: str, step: tuple) -> None:
    sandbox = controls.sandbox(token)
    bookings = sorted(owner_state(sandbox).bookings.values(), key=lambda b: (b.created_at, str(b.id)))
    entries = sorted(entry.id for entry in owner_state(sandbox).service_log)
    kind = step[0]
    if kind == "book":
        answer = controls.event(token, type="booking.requested", registration_number=step[1])
    elif kind in ("accept", "complete") and bookings:
        booking = str(bookings[step[1] % len(bookings)].id)
        answer = controls.event(token, type=_EVENT[kind], booking_id=booking)
    elif kind == "message" and entries:
        answer = controls.event(
            token, type="message.new", service_log_id=entries[step[1] % len(entries)], body=step[2]
        )
    elif kind == "snapshot":
        answer = controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "s"})
    elif kind == "restore":
        answer = controls.call("POST", "/__mock/sandbox/snapshots/s/restore", token)
    elif kind == "reset":
        answer = controls.call("POST", "/__mock/sandbox/reset", token)
    elif kind.isupper():
        method, url, body, query = step
        answer = controls.call(method, url, token, json=body, params=query)
    else:
        return
    assert answer.status_code < 500 or answer.json()["code"] == "REGISTRY_UNAVAILABLE", answer.text


@pytest.mark.parametrize("kind", STORES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(log_steps, min_size=1, max_size=8), then=st.lists(log_steps, min_size=1, max_size=8))
def test_changes_written_row_by_row_survive_restarts_between_them(kind: str, first: list, then: list) -> None:
    with tempfile.TemporaryDirectory() as folder, state_store(kind, Path(folder)) as store:
        settings_ = Settings(**store, demo=False)
        controls = start_controls(settings_)
        with controls.client:
            token = controls.new_sandbox("one-car")
            for step in first:
                _run(controls, token, step)
            before = _everything(controls.world)
        close_state(controls.world)
        again = start_controls(settings_)
        with again.client:
            assert _everything(again.world) == before
            for step in then:
                _run(again, token, step)
            before = _everything(again.world)
        close_state(again.world)
        assert _everything(_restarted({**store, "demo": False})) == before


def _as_whole_documents(
    execute: Any, rows_table: str, sandboxes_table: str, meta_table: str, mark: str
) -> None:
    """Turn a store back into the earlier layout: each sandbox one whole document, version 1."""
    from mock_server.store import row_layout

    for token, state in execute(f"SELECT token, state FROM {sandboxes_table}").fetchall():
        parts = execute(
            f"SELECT kind, key, pos, data FROM {rows_table} WHERE token = {mark}", (token,)
        ).fetchall()
        whole, _ = row_layout.join(json.loads(state), parts)
        execute(
            f"UPDATE {sandboxes_table} SET state = {mark} WHERE token = {mark}", (json.dumps(whole), token)
        )
    execute(f"DROP TABLE {rows_table}")
    execute(f"UPDATE {meta_table} SET value = '1' WHERE key = 'schema_version'")


def test_a_store_of_the_whole_document_layout_is_migrated_and_loses_nothing(store: dict[str, Any]) -> None:
    controls = start_controls(Settings(**store))
    with controls.client:
        token = controls.new_sandbox("one-car")
        controls.call("PUT", "/api/co/vehicles/EL23456", token, json={"nickname": "Lynet"})
        controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "kept"})
        before = _everything(controls.world)
    close_state(controls.world)
    if "state_path" in store:
        with sqlite3.connect(store["state_path"]) as db:
            _as_whole_documents(db.execute, "sandbox_rows", "sandboxes", "meta", "?")
    else:
        import psycopg

        with psycopg.connect(store["state_url"], autocommit=True) as db:
            _as_whole_documents(db.execute, "minbil_sandbox_rows", "minbil_sandboxes", "minbil_meta", "%s")
    migrated = start_controls(Settings(**store))
    with migrated.client:
        assert _everything(migrated.world) == before
        changed = migrated.call("PUT", "/api/co/vehicles/EL23456", token, json={"nickname": "Etter"})
        assert changed.status_code == 200
        before = _everything(migrated.world)
    close_state(migrated.world)
    assert _everything(_restarted(store)) == before
