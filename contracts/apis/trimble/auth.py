"""Auth: no token, or one that names no fleet, is a 401 in the API's own error shape."""

from __future__ import annotations

from ...context import SuiteContext
from ...failures import expect
from .common import VEHICLES, client

DESCRIPTION = "a missing or unknown bearer token is refused with 401, code -3, in the API's error shape"


def run(ctx: SuiteContext) -> None:
    for label, token in (("no token", None), ("unknown token", "no-such-fleet-token-0000")):
        ctx.run_check(f"{label} is a 401 in the error shape", lambda token=token: _refused(ctx, token))


def _refused(ctx: SuiteContext, token: str | None) -> None:
    api = client(ctx).as_token(token)
    for method, kwargs in (("GET", {}), ("POST", {"json_body": [{"vehicleId": "x1", "Name": "x1"}]})):
        answer = api.request(method, VEHICLES, **kwargs)
        expect(answer.status == 401, "trimble.auth", f"{method} answered {answer.status}", answer.exchange)
        expect(
            answer.content_type == "application/json",
            "trimble.auth",
            f"answered {answer.content_type}",
            answer.exchange,
        )
        error = answer.json().get("error") if isinstance(answer.json(), dict) else None
        expect(
            isinstance(error, dict) and error.get("code") == -3 and bool(error.get("message")),
            "trimble.auth",
            f"expected {{'error': {{'code': -3, ...}}}}, got {answer.body[:200]!r}",
            answer.exchange,
        )
