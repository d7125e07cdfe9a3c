"""The suite passes the mock however it writes what the spec leaves free (tests/contracts/variation.py)."""

from __future__ import annotations

import json
import os

import pytest

from contracts import Status, Target
from mock_server.app import create_app
from mock_server.seeding import build_seeded_world
from mock_server.settings import Settings
from tests.contracts.mock_targets import SandboxClock, quick_options, run_in_process
from tests.contracts.variation import Variation, VariationLayer

# Every seed is a different server; CONTRACT_VARIATION_SEEDS=20 runs the full set.
SEEDS = range(int(os.environ.get("CONTRACT_VARIATION_SEEDS", "3")))


def _varied_target(seed: int) -> tuple[Target, SandboxClock]:
    settings = Settings()
    world, _ = build_seeded_world(settings)
    return Target.asgi(VariationLayer(create_app(settings, world), Variation(seed))), SandboxClock(world)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_suite_passes_the_mock_behind_a_variation_layer(seed: int) -> None:
    target, clock = _varied_target(seed)
    report = run_in_process(target, quick_options(tuple(_suites()), clock, seed=seed))
    assert report.ok, report.explain()
    assert report.count(Status.PASSED) > 0


def _suites() -> list[str]:
    from contracts import SUITE_NAMES

    return [suite for suite in SUITE_NAMES if suite != "registry"]  # the layer varies CarOwner only


ANSWERS = (
    {
        "data": [{"registration_number": "BT57225", "linked_at": "2025-03-02T12:05:33.120000Z", "rating": 4}],
        "meta": {"generated_at": "2026-02-12T10:00:00Z", "request_id": "7d1c"},
    },
    {
        "type": "about:blank",
        "title": "Validation failed",
        "status": 400,
        "code": "VALIDATION_FAILED",
        "detail": "page_size must be at most 100",
        "errors": [
            {"field": "page_size", "message": "at most 100"},
            {"field": "page", "message": "at least 1"},
        ],
    },
)


def test_the_variation_layer_changes_the_bytes_and_keeps_the_meaning() -> None:
    written = set()
    for seed in range(20):
        for answer in ANSWERS:
            raw = json.dumps(answer).encode()
            varied = Variation(seed).body(raw, request_id=seed)
            assert _meaning(json.loads(varied)) == _meaning(answer)
            written.add(varied)
    assert len(written) > 30, "the seeds should give many different ways of writing the same answers"


def _meaning(value):
    """An answer's meaning: instants as instants, problem wording and field-error order aside."""
    from contracts.timestamps import timestamp
    from tests.contracts.variation import INSTANT

    if isinstance(value, dict):
        kept = {k: _meaning(v) for k, v in value.items() if k not in ("title", "detail")}
        if isinstance(kept.get("errors"), list):
            kept["errors"] = sorted(kept["errors"], key=lambda error: json.dumps(error, sort_keys=True))
        return kept
    if isinstance(value, list):
        return [_meaning(v) for v in value]
    if isinstance(value, str) and INSTANT.match(value):
        return timestamp(value)
    return value


# The ci profile on other seeds than the quick runs use; CONTRACT_CI_SEEDS=20 runs twenty of them.
CI_SEEDS = range(101, 101 + int(os.environ.get("CONTRACT_CI_SEEDS", "1")))


@pytest.mark.parametrize("seed", CI_SEEDS)
def test_the_ci_profile_passes_the_clean_mock(seed: int) -> None:
    from contracts import PROFILES, SUITE_NAMES
    from tests.contracts.mock_targets import mock_target

    target, clock = mock_target()
    report = run_in_process(target, quick_options(SUITE_NAMES, clock, seed=seed, profile=PROFILES["ci"]))
    assert report.ok, report.explain()
