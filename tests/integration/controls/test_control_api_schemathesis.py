"""The control API passes schemathesis like the main API: every phase, every check, zero failures.

Run in-process against the spec the mock serves at /__mock/openapi.json. Two things are set up:
- the sandbox token schemathesis sends is re-created whenever a case has deleted its sandbox
  (`DELETE /__mock/sandbox`), so every case meets a sandbox;
- `addFaultRule` may answer 400 to schema-valid data: a rule's text follows a grammar no JSON
  Schema can say (the spec documents INVALID_FAULT_RULE), as the CarOwner API's semantic 400s.
Excluded, for a framework reason only: `allow_header_conformance` (Connexion's own 405 answers
do not list a path's methods correctly; the contract suite excludes it for the same reason).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, from_schema
from schemathesis.engine import events as engine_events
from starlette.types import Receive, Scope, Send

from mock_server.app import MockWorld, create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings

TOKEN = "ci-schemathesis-sandbox"


class KeepTheSandbox:
    """Re-creates the test's sandbox (the demo world, whose cars the examples name) when it is gone."""

    def __init__(self, app: Any, world: MockWorld) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.world.sandboxes.by_token(TOKEN) is None:
            self.world.lifecycle.create("demo", TOKEN)
        await self.app(scope, receive, send)


def _config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 4,
            "base-url": "http://testserver/__mock",
            "headers": {"Authorization": f"Bearer {TOKEN}"},
            "workers": 1,
            "generation": {"max-examples": 25, "database": "none"},
            "phases": {
                "examples": {"enabled": True, "fill-missing": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": 20},
            },
            "checks": {"allow_header_conformance": {"enabled": False}},
            "operations": [
                {
                    "include-operation-id": "addFaultRule",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": [
                                "2xx",
                                "3xx",
                                "400",
                                "401",
                                "403",
                                "404",
                                "409",
                                "429",
                                "5xx",
                            ]
                        }
                    },
                }
            ],
        }
    )


def test_the_control_api_passes_every_schemathesis_check() -> None:
    settings = Settings(seed=4)
    world, _ = build_seeded_world(settings)
    app = KeepTheSandbox(create_app(settings, world), world)
    schema = schemathesis.openapi.from_asgi("/__mock/openapi.json", app, config=_config())
    failures: list[str] = []
    ran: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, engine_events.ScenarioFinished) and event.is_test_scenario:
            if event.status != Status.SKIP:
                ran.add(event.recorder.label)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failures.append(f"{event.recorder.label}: {check.name}: {check.failure_info.failure}")
            if event.status == Status.ERROR:
                failures.append(f"{event.recorder.label}: error")
        elif isinstance(event, (engine_events.NonFatalError, engine_events.FatalError)):
            failures.append(f"{getattr(event, 'label', 'engine')}: {getattr(event, 'info', event)}")
        elif isinstance(event, engine_events.EngineFinished):
            failures += [str(failure) for failure in event.failures]
    assert sorted(set(failures)) == []
    assert len(ran) >= 20, sorted(ran)  # every operation was exercised, not skipped
