"""A store written with sandbox states of schema version 1 (CarOwner's part at the top of each
state, the registry's faults among the extras, rows of kinds "vehicle", "link", "entry") is
migrated when opened, in SQLite files and PostgreSQL stores alike, from both store layouts that
held such states: nothing the API told about the sandbox before is told differently after.

stored/schema-1-store.json holds the tables a mock of schema version 1 wrote (a "one-car" sandbox
with a second car and its image, changed preferences, a completed and a requested booking, registry
faults, a fault rule and a snapshot) and what the API answered about that sandbox then."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server.packs.carowner.state import owner_state
from mock_server.packs.registry.state import faults_of
from mock_server.settings import Settings
from mock_server.store import postgres_state, sqlite_state
from mock_server.store.serialise import sandbox_state
from tests.integration.controls.conftest import Controls, start_controls
from tests.postgres_support import STORES, close_state, state_store

STORED = json.loads((Path(__file__).parent / "stored" / "schema-1-store.json").read_text(encoding="utf-8"))
TOKEN = "v1-owner-0001"
TABLES = STORED["tables"]
ANSWERS = STORED["answers"]
# Answers that read the state only (no notice falls due while they are made).
READ_ONLY = {
    "vehicles": "/api/co/vehicles",
    "service_log": "/api/co/service-log/list",
    "summary": "/api/co/service-log/summary",
    "bookings": "/__mock/sandbox/bookings",
    "registry_faults": "/__mock/sandbox/registry-faults",
    "faults": "/__mock/sandbox/faults",
    "snapshots": "/__mock/sandbox/snapshots",
}


def _whole_documents() -> list[tuple[str, str, int, str]]:
    """The sandboxes of layout 1: each state whole, its rows put back into its lists."""
    lists = {"vehicle": "vehicles", "link": "links", "entry": "service_log"}
    documents = []
    for token, user_id, version, state in TABLES["sandboxes"]["rows"]:
        whole = {**json.loads(state), **{name: [] for name in lists.values()}}
        rows = sorted((r for r in TABLES["sandbox_rows"]["rows"] if r[0] == token), key=lambda r: r[3])
        for _, kind, _, _, data in rows:
            whole[lists[kind]].append(json.loads(data))
        documents.append((token, user_id, version, json.dumps(whole)))
    return documents


def _fill(execute: Callable[..., Any], mark: str, layout: str, versioned: bool) -> None:
    """The tables as the earlier mock left them (`versioned`: PostgreSQL's version column)."""
    execute(f"INSERT INTO {{meta}} VALUES ({mark}, {mark})", ("schema_version", layout))
    execute(f"INSERT INTO {{meta}} VALUES ({mark}, {mark})", ("seeded", "1"))
    sandboxes = _whole_documents() if layout == "1" else TABLES["sandboxes"]["rows"]
    for token, user_id, version, state in sandboxes:
        if versioned:
            execute(
                f"INSERT INTO {{sandboxes}} (token, user_id, schema_version, version, state)"
                f" VALUES ({mark}, {mark}, {mark}, 1, {mark})",
                (token, user_id, version, state),
            )
        else:
            execute(
                f"INSERT INTO {{sandboxes}} VALUES ({mark}, {mark}, {mark}, {mark})",
                (token, user_id, version, state),
            )
    if layout == "2":
        for row in TABLES["sandbox_rows"]["rows"]:
            execute(f"INSERT INTO {{sandbox_rows}} VALUES ({', '.join([mark] * 5)})", tuple(row))
    else:
        execute("DROP TABLE {sandbox_rows}")
    for row in TABLES["snapshots"]["rows"]:
        execute(f"INSERT INTO {{snapshots}} VALUES ({', '.join([mark] * 4)})", tuple(row))
    for image_id, content_type, content in TABLES["images"]["rows"]:
        execute(
            f"INSERT INTO {{images}} VALUES ({mark}, {mark}, {mark})",
            (image_id, content_type, bytes.fromhex(content)),
        )


@pytest.fixture(
    params=[(kind, layout) for kind in STORES for layout in ("1", "2")], ids=lambda p: f"{p[0]}-layout{p[1]}"
)
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Settings fields of a store as a mock of schema version 1 left it."""
    kind, layout = request.param
    with state_store(kind, tmp_path) as fields:
        if "state_path" in fields:
            with sqlite3.connect(fields["state_path"]) as db:
                db.executescript(sqlite_state._TABLES)
                names = {n: n for n in ("meta", "sandboxes", "sandbox_rows", "snapshots", "images")}
                _fill(lambda sql, *args: db.execute(sql.format(**names), *args), "?", layout, versioned=False)
        else:
            import psycopg

            with psycopg.connect(fields["state_url"], autocommit=True) as db:
                for statement in filter(str.strip, postgres_state._TABLES.split(";")):
                    db.execute(statement)
                names = {
                    n: f"minbil_{n}" for n in ("meta", "sandboxes", "sandbox_rows", "snapshots", "images")
                }
                _fill(lambda sql, *args: db.execute(sql.format(**names), *args), "%s", layout, versioned=True)
        yield fields


def _plain(value: Any) -> Any:
    """An answer without what differs from request to request (its request id, when it was made)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("request_id", "generated_at")}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _answers(controls: Controls) -> dict[str, Any]:
    found = {}
    for name, url in READ_ONLY.items():
        answer = controls.call("GET", url, TOKEN)
        assert answer.status_code == 200, answer.text
        found[name] = _plain(answer.json())
    return found


def _stored(fields: dict[str, Any]) -> tuple[str, set[str], list[int]]:
    """The store's layout version, its row kinds and its sandboxes' schema versions."""
    if "state_path" in fields:
        with sqlite3.connect(fields["state_path"]) as db:
            meta = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
            kinds = {row[0] for row in db.execute("SELECT kind FROM sandbox_rows")}
            versions = [row[0] for row in db.execute("SELECT schema_version FROM sandboxes")]
            return meta, kinds, versions
    import psycopg

    with psycopg.connect(fields["state_url"], autocommit=True) as db:
        meta = db.execute("SELECT value FROM minbil_meta WHERE key = 'schema_version'").fetchone()[0]
        kinds = {row[0] for row in db.execute("SELECT kind FROM minbil_sandbox_rows")}
        versions = [row[0] for row in db.execute("SELECT schema_version FROM minbil_sandboxes")]
        return meta, kinds, versions


def test_a_store_of_schema_version_1_is_migrated_and_tells_the_same(old_store: dict[str, Any]) -> None:
    controls = start_controls(Settings(**old_store, demo=False))
    try:
        with controls.client:
            assert _answers(controls) == {name: _plain(ANSWERS[name]) for name in READ_ONLY}
            told = controls.call("GET", "/__mock/sandbox", TOKEN).json()
            counts, recorded = told["counts"], ANSWERS["sandbox"]["counts"]
            assert counts["notifications"] >= recorded["notifications"]  # notices may have fallen due since
            assert {**counts, "notifications": 0} == {**recorded, "notifications": 0}
            assert told["registry_faults"] == ANSWERS["sandbox"]["registry_faults"]
            notifications = controls.notifications(TOKEN, limit=1000)
            assert (
                notifications[: len(ANSWERS["notifications"]["notifications"])]
                == ANSWERS["notifications"]["notifications"]
            )
            sandbox = controls.sandbox(TOKEN)
            assert owner_state(sandbox).preferences["booking.accepted"] == {"email": False, "push": True}
            assert faults_of(sandbox).scrapped_plates == frozenset({"BT57225"})
            # Ids go on from where they were: no rule id or booking id is given twice.
            rule = controls.call(
                "POST", "/__mock/sandbox/faults", TOKEN, json={"rule": "GET /api/co/vehicles: delay=1ms"}
            )
            assert rule.status_code == 201, rule.text
            assert rule.json()["id"] not in {r["id"] for r in ANSWERS["faults"]["rules"]}
            booked = controls.event(TOKEN, type="booking.requested", registration_number="EL23456")
            assert booked.status_code < 300, booked.text
            assert booked.json()["booking"]["id"] not in {b["id"] for b in ANSWERS["bookings"]["bookings"]}
            renamed = controls.call("PUT", "/api/co/vehicles/DN54321", TOKEN, json={"nickname": "Etter"})
            assert renamed.status_code == 200, renamed.text
            # The snapshot taken before migration restores the sandbox as it was then.
            restored = controls.call("POST", "/__mock/sandbox/snapshots/kept/restore", TOKEN)
            assert restored.status_code == 200, restored.text
            assert (
                restored.json()["counts"]["linked_vehicles"]
                == ANSWERS["snapshots"]["snapshots"][0]["linked_vehicles"]
            )
            assert restored.json()["counts"]["bookings"] == 1
            vehicles = controls.call("GET", "/api/co/vehicles", TOKEN).json()
            assert _plain(vehicles) == _plain(ANSWERS["vehicles"])
            before = sandbox_state(controls.sandbox(TOKEN))
    finally:
        close_state(controls.world)
    assert _stored(old_store) == ("3", {"carowner.vehicle", "carowner.link", "carowner.entry"}, [2])
    again = start_controls(Settings(**old_store, demo=False))
    try:
        assert sandbox_state(again.world.sandboxes.by_token(TOKEN)) == before
    finally:
        close_state(again.world)
