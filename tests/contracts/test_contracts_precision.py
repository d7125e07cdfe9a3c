"""Freedoms the spec leaves do not fail a correct server: a server keeping whole-second timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts import Status, Target
from mock_server.app import create_app
from mock_server.domain.clock import SandboxClock as MockClock
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings
from tests.contracts.mock_targets import SandboxClock, quick_options, run_in_process


class WholeSecondClock(MockClock):
    """A server clock that keeps whole seconds, as a DATETIME column would: quick updates share a value."""

    def now(self) -> datetime:
        return (datetime.now(UTC) + self.offset).replace(microsecond=0)


def test_semantics_suite_passes_a_server_with_whole_second_timestamps() -> None:
    settings = Settings()
    world, _ = build_seeded_world(settings)
    for token in ("demo-kari", "demo-ola"):
        world.sandboxes.by_token(token).clock = WholeSecondClock()
    target = Target.asgi(create_app(settings, world))
    report = run_in_process(target, quick_options(("semantics",), SandboxClock(world)))
    assert report.ok, report.explain()
    assert report.count(Status.PASSED) > 0
