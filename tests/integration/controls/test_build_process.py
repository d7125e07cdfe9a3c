"""With a build process (as the CLI runs), scenarios are built there: the same sandboxes, made
through the control API as always, and a build process that dies is replaced."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from mock_server.domain.sandboxes import EMPTY, EmptyOnly, SandboxLifecycle
from mock_server.packs.carowner.seeding import FixtureScenarios
from mock_server.packs.carowner.state import owner_state
from mock_server.packs.registry import registry_of
from mock_server.packs.registry.service import RegistryService
from mock_server.settings import Settings
from mock_server.store.json_pieces import from_pieces
from mock_server.store.sandbox import SandboxRegistry
from mock_server.store.serialise import sandbox_from_state, sandbox_state

from .conftest import Controls, start_controls

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
BUILD_TIMEOUT_S = 300


@pytest.fixture(scope="module")
def controls() -> Iterator[Controls]:
    started = start_controls(Settings(build_process=True))
    with started.client:
        yield started
    started.world.builds.close()


@pytest.mark.parametrize("name", ["ten-thousand-logs", "one-car", "fleet-owner"])
def test_the_build_process_builds_what_this_process_builds(controls: Controls, name: str) -> None:
    world = controls.world
    token, user_id = "compare-builds", uuid4()
    job = world.lifecycle.build_elsewhere(name, token, user_id)
    assert job is not None
    replica, seed, _, _, _, _, packs = job.args
    job = replace(job, args=(replica, seed, name, token, user_id, NOW, packs))  # one moment both ways
    built = world.builds.in_build_process(job.run, *job.args).result(timeout=BUILD_TIMEOUT_S)
    assert built is not None
    here = RegistryService()
    here.adopt(replica)  # the registry as it was when the job was made
    before = here.learned()
    own = FixtureScenarios(here, seed, world.packs).build_at(name, token, user_id, NOW)
    assert sandbox_state(sandbox_from_state(token, user_id, from_pieces(built.state))) == sandbox_state(own)
    assert built.learnt == here.learned_since(before)


def test_sandboxes_are_built_in_the_build_process_and_the_registry_learns_their_cars(
    controls: Controls, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_here(*args: object) -> None:
        raise AssertionError("built in the server process")

    monkeypatch.setattr(controls.world.lifecycle, "build", not_here)
    token = controls.new_sandbox("ten-thousand-logs")
    sandbox = controls.sandbox(token)
    assert len(owner_state(sandbox).service_log) == 10_000
    assert sandbox.origin == "ten-thousand-logs" and owner_state(sandbox).checked_until is not None
    page = controls.call("GET", "/api/co/service-log/list", token, params={"page": 100, "page_size": 100})
    assert page.status_code == 200
    assert page.json()["meta"]["total"] == 10_000 and len(page.json()["data"]) == 100
    today = datetime.now(UTC).date()
    for record in list(owner_state(sandbox).vehicles.values())[:20]:
        assert registry_of(controls.world).record_for_vin(record.registry.vin, today) is not None
    entries = [entry.id for entry in owner_state(sandbox).service_log]
    reset = controls.call("POST", "/__mock/sandbox/reset", token)
    assert reset.status_code == 200, reset.text
    assert [entry.id for entry in owner_state(controls.sandbox(token)).service_log] == entries
    assert controls.call("DELETE", "/__mock/sandbox", token).status_code == 204


def test_a_build_process_that_died_is_replaced_and_the_build_made_here(controls: Controls) -> None:
    builds = controls.world.builds
    pid = builds.in_build_process(os.getpid).result(timeout=BUILD_TIMEOUT_S)
    os.kill(pid, signal.SIGKILL)
    token = controls.new_sandbox("one-car")  # built here while the process is gone
    assert owner_state(controls.sandbox(token)).links
    again = builds.in_build_process(os.getpid).result(timeout=BUILD_TIMEOUT_S)
    assert again != pid
    second = controls.new_sandbox("one-car")
    assert list(owner_state(controls.sandbox(second)).links) == list(
        owner_state(controls.sandbox(token)).links
    )


def test_a_scenario_source_that_cannot_build_elsewhere_is_built_here(controls: Controls) -> None:
    lifecycle = SandboxLifecycle(SandboxRegistry(), EmptyOnly())
    assert lifecycle.build_elsewhere(EMPTY, "tok-here-only", uuid4()) is None
    sandbox = asyncio.run(controls.world.builds.build(lifecycle, EMPTY, "tok-here-only", uuid4()))
    assert sandbox.origin == EMPTY and sandbox.token == "tok-here-only" and not owner_state(sandbox).links
