"""--mock-controls against a server without them: said plainly, and the run goes on without them."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from contracts import Status
from contracts.time_control import HttpTimeControl
from tests.contracts.mock_targets import mock_target, quick_options, run_in_process


def _answering(status: int) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json={"now": "2026-01-01T00:00:00Z"}))


def test_a_server_without_mock_controls_is_named_as_such() -> None:
    control = HttpTimeControl("http://staging.example", transport=_answering(404))
    reason = control.unavailable("t")
    assert reason is not None and "404" in reason and "no mock controls" in reason


def test_a_server_with_mock_controls_is_usable() -> None:
    seen: list[tuple[str, bytes]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.content))
        return httpx.Response(200, json={})

    control = HttpTimeControl("http://localhost:5000", transport=httpx.MockTransport(answer))
    assert control.unavailable("t") is None
    control.advance("t", timedelta(minutes=16))
    assert seen[-1][0] == "POST" and json.loads(seen[-1][1]) == {"seconds": 960}


class _NoControls:
    """What HttpTimeControl is against a real backend: the clock endpoint is not there."""

    def unavailable(self, token: str) -> str:
        return "GET /__mock/sandbox/clock answered 404: the server has no mock controls"

    def advance(self, token: str, delta: timedelta) -> None:
        raise httpx.HTTPStatusError(
            "404", request=httpx.Request("POST", "http://x"), response=httpx.Response(404)
        )


def test_mock_controls_on_a_backend_without_them_end_in_a_note_not_an_error() -> None:
    target, _ = mock_target()
    report = run_in_process(target, quick_options(("read-model",), _NoControls()))  # type: ignore[arg-type]
    assert report.ok, report.explain()
    assert "contracts.unexpected-error" not in report.failed_rule_ids
    assert report.count(Status.PASSED) > 0
    notes = report.finished.notes if report.finished else ()
    assert any("--mock-controls ignored" in note and "no mock controls" in note for note in notes)
