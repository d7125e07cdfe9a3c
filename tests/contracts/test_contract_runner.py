"""The runner against servers that are broken in ways no planted fault covers: it reports, never crashes."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contracts import PROFILES, RunOptions, Status, Target, run_suite
from contracts.events import CheckFinished, Event, SuiteFinished
from contracts.options import DEFAULT_SPEC
from contracts.spec import operations


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def handle(self, event: Event) -> None:
        self.events.append(event)


def _options(*suites: str) -> RunOptions:
    return RunOptions(token="anyone", profile=PROFILES["quick"], suites=suites)


def _server_that_lets_everyone_in() -> Starlette:
    async def anything(request: Request) -> Response:
        return JSONResponse({"data": [], "meta": {}}, headers={"X-Request-ID": "not-checked"})

    return Starlette(routes=[Route("/{path:path}", anything, methods=["GET", "POST", "PUT", "DELETE"])])


def test_unreachable_server_fails_setup_and_skips_the_api_suites() -> None:
    recorder = Recorder()
    report = run_suite(
        Target.http("http://127.0.0.1:9", timeout=2), _options("auth", "read-model"), [recorder]
    )
    assert report.failed_rule_ids == {"contracts.setup"}
    skipped = [
        event for event in recorder.events if isinstance(event, SuiteFinished) and event.skipped_reason
    ]
    assert {event.suite for event in skipped} == {"auth", "read-model"}


def test_server_without_auth_breaks_the_auth_rules_for_every_operation() -> None:
    report = run_suite(Target.asgi(_server_that_lets_everyone_in()), _options("auth"))
    assert {"auth.missing-token", "auth.wrong-token"} <= report.failed_rule_ids
    refused = [check for check in report.checks if check.suite == "auth" and check.status is Status.FAILED]
    secured = [operation for operation in operations(DEFAULT_SPEC) if operation.secured]
    assert len(refused) == 2 * len(secured)  # no token, and an unknown token


def test_a_suite_that_cannot_finish_is_reported_and_the_next_suite_still_runs() -> None:
    recorder = Recorder()
    report = run_suite(
        Target.asgi(_server_that_lets_everyone_in()), _options("read-model", "isolation"), [recorder]
    )
    assert not report.ok
    finished = [event.suite for event in recorder.events if isinstance(event, SuiteFinished)]
    assert finished == ["read-model", "isolation"]
    assert any(isinstance(event, CheckFinished) and event.suite == "isolation" for event in recorder.events)
