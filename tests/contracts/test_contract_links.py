"""Every documented link is followed on purpose, and a link whose target is missing is caught."""

from __future__ import annotations

import json

from starlette.types import Receive, Scope, Send

from contracts import Status, run_suite
from contracts.events import Progress
from contracts.options import DEFAULT_SPEC
from contracts.spec import load_spec
from contracts.suites.links import documented_links
from tests.contracts.mock_targets import mock_target, quick_options

FOLLOWED = "followed"


class _Progress:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def handle(self, event: object) -> None:
        if isinstance(event, Progress):
            self.messages.append(event.message)


def _links_of(messages: list[str]) -> dict[str, tuple[int, int]]:
    counts = {}
    for message in messages:
        if message.startswith("links from ") and FOLLOWED in message:
            source, _, rest = message.removeprefix("links from ").partition(": followed ")
            reached, _, total = rest.partition(" of ")
            counts[source] = (int(reached), int(total.split()[0]))
    return counts


def test_every_link_of_the_spec_is_followed_against_the_mock() -> None:
    target, clock = mock_target()
    progress = _Progress()
    report = run_suite(target, quick_options(("conformance",), clock), [progress])
    assert report.ok, report.explain()
    counts = _links_of(progress.messages)
    assert sum(total for _, total in counts.values()) == len(documented_links(load_spec(DEFAULT_SPEC))) == 13
    assert all(reached == total for reached, total in counts.values()), counts


class MissingMessages:
    """A wrong server: the message thread of a listed entry is not found (looked up by the wrong id)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/co/service-log/messages/"):
            body = json.dumps(
                {
                    "type": "about:blank",
                    "title": "Not found",
                    "status": 404,
                    "code": "SERVICE_LOG_NOT_FOUND",
                    "detail": "No such entry.",
                }
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 404,
                    "headers": [(b"content-type", b"application/problem+json"), (b"x-request-id", b"0" * 8)],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def test_a_link_target_that_is_missing_fails_resource_availability() -> None:
    target, clock = mock_target()
    broken = type(target).asgi(MissingMessages(target.app))
    report = run_suite(broken, quick_options(("conformance",), clock))
    failing = {check.check for check in report.checks if check.status is Status.FAILED}
    assert {"links from getLatestServiceLogs", "links from listServiceLogs"} <= failing
    messages = [f.message for f in report.failures if f.rule_id == "conformance.resource-availability"]
    assert any("MessagesOfFirstEntry" in message and "404" in message for message in messages)
