"""The Navixy contract suites (contracts/apis/navixy): the clean mock passes them all, and each
planted fault of the Navixy pack is caught under its own rule."""

from __future__ import annotations

import pytest

from contracts.apis import api_suites
from contracts.apis.navixy.auth import SUB_USER_ENV
from contracts.failures import Status
from contracts.options import PROFILES, RunOptions
from contracts.target import Target
from mock_server.app import create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.packs.navixy import FAULTS, api
from mock_server.settings import Settings
from tests.contracts.mock_targets import run_in_process

API = api_suites("navixy")
# The fleet owner's account has twelve vehicles on eight trackers; Ola's has none.
TOKENS = {"token": api.session_hash("demo-fleet"), "second_token": api.session_hash("demo-ola")}


@pytest.fixture(autouse=True)
def sub_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SUB_USER_ENV, api.sub_user_hash("demo-fleet"))


def _target(faults: frozenset[str] = frozenset()) -> Target:
    settings = Settings(planted_faults=faults, validate_responses=False) if faults else Settings()
    world, _ = build_seeded_world(settings)
    return Target.asgi(create_app(settings, world))


def _run(faults: frozenset[str] = frozenset(), suites: tuple[str, ...] | None = None):
    options = RunOptions(api="navixy", suites=suites or API.suite_names, profile=PROFILES["quick"], **TOKENS)
    return run_in_process(_target(faults), options)


def test_the_clean_mock_passes_every_navixy_suite() -> None:
    report = _run()
    assert report.ok, report.explain()
    passed = {(check.suite, check.check) for check in report.checks if check.status is Status.PASSED}
    assert set(API.suite_names) <= {suite for suite, _ in passed}
    assert ("auth", "the sub-user without vehicle_update cannot write") in passed


def test_without_the_sub_user_hash_its_check_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SUB_USER_ENV)
    report = _run(suites=("auth",))
    skipped = [check.check for check in report.checks if check.status is Status.SKIPPED]
    assert report.ok and skipped == ["the sub-user without vehicle_update cannot write"]


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
        dict.fromkeys(
            suite for _, coverage in API.rules if fault in coverage.faults for suite in coverage.checks
        )
    )
    report = _run(frozenset({fault}), suites)
    assert rule_id in report.failed_rule_ids, report.explain()
