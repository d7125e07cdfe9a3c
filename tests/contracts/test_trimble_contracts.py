"""The Trimble contract suites (contracts/apis/trimble): the clean mock passes them all, and each
planted fault of the Trimble pack is caught under its own rule."""

from __future__ import annotations

import pytest

from contracts.apis import api_suites
from contracts.failures import Status
from contracts.options import RunOptions
from contracts.target import Target
from mock_server.app import create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.packs.trimble.faults import FAULTS
from mock_server.settings import Settings
from tests.contracts.mock_targets import run_in_process

API = api_suites("trimble")
# Ola's sandbox has an empty fleet; the fleet owner's has twelve vehicles.
TOKENS = {"token": "demo-ola", "second_token": "demo-fleet"}


def _target(faults: frozenset[str] = frozenset()) -> Target:
    settings = Settings(planted_faults=faults, validate_responses=False) if faults else Settings()
    world, _ = build_seeded_world(settings)
    return Target.asgi(create_app(settings, world))


def _run(faults: frozenset[str] = frozenset(), suites: tuple[str, ...] | None = None):
    options = RunOptions(api="trimble", suites=suites or API.suite_names, **TOKENS)
    return run_in_process(_target(faults), options)


def test_the_clean_mock_passes_every_trimble_suite() -> None:
    report = _run()
    assert report.ok, report.explain()
    ran = {check.suite for check in report.checks if check.status is Status.PASSED}
    assert set(API.suite_names) <= ran


def test_every_planted_fault_is_named_by_a_rule_and_there_are_at_least_six() -> None:
    proven = {fault for _, coverage in API.rules for fault in coverage.faults}
    assert proven == set(FAULTS) and len(FAULTS) >= 6


@pytest.mark.parametrize(
    ("fault", "rule_id"),
    [(fault, rule.id) for rule, coverage in API.rules for fault in coverage.faults],
    ids=[fault for _, coverage in API.rules for fault in coverage.faults],
)
def test_a_planted_fault_is_caught_under_its_rule(fault: str, rule_id: str) -> None:
    suites = tuple(
        suite for _, coverage in API.rules if fault in coverage.faults for suite in coverage.checks
    )
    report = _run(frozenset({fault}), suites)
    assert rule_id in report.failed_rule_ids, report.explain()
