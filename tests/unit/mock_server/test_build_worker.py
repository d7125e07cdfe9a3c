"""The build worker frees what it is handed, and only what no one else holds."""

from __future__ import annotations

import weakref
from uuid import uuid4

import orjson
import pytest

from mock_server.control.build_worker import BuildWorker, bulk_of
from mock_server.domain.sandboxes import capture
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.packs.carowner.state import owner_state
from mock_server.settings import Settings
from mock_server.store.serialise import sandbox_state


@pytest.fixture(scope="module")
def world():
    return build_seeded_world(Settings(demo=False))[0]


def _settle(worker: BuildWorker) -> None:
    worker._pool.submit(lambda: None).result(timeout=30)  # the one thread: what came before is done


def test_a_retired_sandbox_is_freed_with_its_entries_and_snapshots(world) -> None:
    sandbox = world.lifecycle.create("family-three-cars", f"drop-{uuid4().hex}")
    world.sandboxes.remove(sandbox.token)
    sandbox.snapshots["s"] = capture(sandbox, "s")
    entries = [weakref.ref(entry) for entry in owner_state(sandbox).service_log]
    vehicles = [weakref.ref(vehicle) for vehicle in owner_state(sandbox).vehicles.values()]
    gone = weakref.ref(sandbox)
    assert entries and vehicles
    worker = BuildWorker()
    worker.retire(sandbox)
    del sandbox
    _settle(worker)
    assert gone() is None
    assert all(ref() is None for ref in entries + vehicles)


def test_a_retired_sandbox_someone_still_holds_stays_whole(world) -> None:
    sandbox = world.lifecycle.create("family-three-cars", f"held-{uuid4().hex}")
    sandbox.snapshots["s"] = capture(sandbox, "s")
    before = sandbox_state(sandbox)
    snapshot_before = orjson.loads(orjson.dumps(sandbox.snapshots["s"].state))
    worker = BuildWorker()
    worker.retire(sandbox)  # a request in flight still holds it
    _settle(worker)
    assert sandbox_state(sandbox) == before
    assert sandbox.snapshots["s"].state == snapshot_before
    assert len(bulk_of(sandbox)) >= len(owner_state(sandbox).service_log) + len(owner_state(sandbox).vehicles)
