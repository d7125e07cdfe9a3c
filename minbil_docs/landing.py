"""The mock's front page at `/`: where the docs, both Swagger UIs and the specs are, and the demo
tokens this world has (none with `--no-demo`). HTML for a browser, JSON for `Accept: application/json`.

Links are relative, so the page works behind a proxy that adds a path prefix; the example calls
name the origin the page was asked for (origin.py)."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources

from jinja2 import Environment, FunctionLoader, StrictUndefined, Template
from starlette.requests import Request
from starlette.responses import Response

from .origin import request_origin
from .serve import VARY


@dataclass(frozen=True)
class DemoUser:
    token: str
    name: str
    about: str  # what the sandbox holds, e.g. "3 vehicles, 120 service-log entries"
    # How the other APIs reach the same sandbox, by API: e.g. {"Trimble": "Authorization: bearer demo-fleet"}.
    credentials: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Place:
    key: str  # the JSON name
    path: str  # relative to the page
    title: str
    about: str


PLACES = (
    Place("docs", "docs/", "Docs", "every endpoint with examples, problem codes and runnable snippets"),
    Place("swagger_ui", "ui/", "Swagger UI", "try the CarOwner API in the browser"),
    Place("control_ui", "__mock/ui/", "Control API (Swagger UI)", "scenarios, faults, time, workshop events"),
    Place("openapi", "openapi.json", "openapi.json", "the CarOwner API spec"),
    Place("control_openapi", "__mock/openapi.json", "__mock/openapi.json", "the control API spec"),
)


def _template(name: str) -> str:
    return resources.files(__package__).joinpath(f"templates/{name}").read_text(encoding="utf-8")


@functools.cache
def _page_template() -> Template:
    env = Environment(loader=FunctionLoader(_template), autoescape=True, undefined=StrictUndefined)
    return env.get_template("landing.html.j2")


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "json" in accept and "text/html" not in accept


def landing_json(origin: str, users: Sequence[DemoUser]) -> bytes:
    body = {
        **{place.key: f"{origin}/{place.path}" for place in PLACES},
        "demo_tokens": [asdict(user) for user in users],
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def landing_html(origin: str, users: Sequence[DemoUser]) -> bytes:
    return _page_template().render(origin=origin, places=PLACES, users=users).encode("utf-8")


def landing_endpoint(
    demo_users: Callable[[], Sequence[DemoUser]],
) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint for `/`; `demo_users()` gives the seeded demo users that still exist."""

    async def serve(request: Request) -> Response:
        origin = request_origin(request.url.scheme, request.headers)
        headers = {"Cache-Control": "no-cache", "Vary": f"Accept, {VARY}"}
        if _wants_json(request):
            return Response(
                landing_json(origin, demo_users()), media_type="application/json", headers=headers
            )
        html = landing_html(origin, demo_users())
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)

    return serve
