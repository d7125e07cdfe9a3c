"""Serve the docs from a running app: a Starlette endpoint the mock mounts at /docs.

The site is rendered on the first request (in a worker thread) and kept; `/docs` redirects to
`/docs/`, which serves index.html, so the pages' relative links work. Each answer names the origin
it was asked for (origin.py): one bytes.replace on the kept page, no new rendering."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import PurePosixPath

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from .origin import request_origin, with_origin

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
}
# The page depends on these request headers (request_origin).
VARY = "Host, X-Forwarded-Host, X-Forwarded-Proto"
SiteRenderer = Callable[[], dict[str, bytes]]
FAVICON = "favicon.svg"


def render_project_site() -> dict[str, bytes]:
    """The project's site. Its renderer (Markdown, the spec model) is imported on the first docs
    request, not when the mock starts."""
    from .site import render_project_site as render

    return render()


@functools.cache
def favicon() -> bytes:
    """The docs' icon, also the landing page's: served without rendering the site."""
    return resources.files(__package__).joinpath(f"templates/{FAVICON}").read_bytes()


class DocsSite:
    """The rendered site, built once on first use."""

    def __init__(self, render: SiteRenderer = render_project_site) -> None:
        self._render = render
        self._files: dict[str, bytes] | None = None
        self._lock = asyncio.Lock()

    async def files(self) -> dict[str, bytes]:
        if self._files is None:
            async with self._lock:
                if self._files is None:
                    self._files = await run_in_threadpool(self._render)
        return self._files


def docs_endpoint(
    render: SiteRenderer = render_project_site, mount: str = "/docs"
) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint for the route `{mount}{path:path}` (e.g. `/docs{path:path}`)."""
    site = DocsSite(render)

    async def serve(request: Request) -> Response:
        path = request.path_params.get("path", "")
        if path == "":
            return RedirectResponse(f"{mount}/", status_code=308)
        if not path.startswith("/"):  # /docsfoo is not ours
            return PlainTextResponse("Not found", status_code=404)
        name = path.lstrip("/") or "index.html"
        content = favicon() if name == FAVICON else (await site.files()).get(name)
        if content is None:
            return PlainTextResponse(f"No page {name!r} in the docs; start at {mount}/", status_code=404)
        media_type = MEDIA_TYPES.get(PurePosixPath(name).suffix, "application/octet-stream")
        content = with_origin(content, request_origin(request.url.scheme, request.headers))
        return Response(content, media_type=media_type, headers={"Cache-Control": "no-cache", "Vary": VARY})

    return serve
