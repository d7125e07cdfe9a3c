"""The /docs endpoint: renders once, serves index.html at /docs/, Markdown twins, 404 for the rest."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from minbil_docs.serve import docs_endpoint

SITE = {"index.html": b"<h1>Index</h1>", "vehicles.md": b"# Vehicles\n"}


@pytest.fixture
def renders() -> list[int]:
    return []


@pytest.fixture
def client(renders: list[int]) -> httpx.AsyncClient:
    def render() -> dict[str, bytes]:
        renders.append(1)
        return SITE

    app = Starlette(routes=[Route("/docs{path:path}", docs_endpoint(render), methods=["GET"])])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_docs_root_serves_the_index_and_renders_only_once(
    client: httpx.AsyncClient, renders: list[int]
) -> None:
    async with client:
        first = await client.get("/docs/")
        second = await client.get("/docs/index.html")
    assert first.status_code == second.status_code == 200
    assert first.content == SITE["index.html"] and first.headers["content-type"].startswith("text/html")
    assert renders == [1]


@pytest.mark.anyio
async def test_docs_without_slash_redirects_so_relative_links_work(client: httpx.AsyncClient) -> None:
    async with client:
        response = await client.get("/docs")
    assert response.status_code == 308 and response.headers["location"] == "/docs/"


@pytest.mark.anyio
async def test_markdown_twins_are_served_as_markdown(client: httpx.AsyncClient) -> None:
    async with client:
        response = await client.get("/docs/vehicles.md")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/markdown")


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/docs/nope.html", "/docsearch", "/docs/../openapi.yaml"])
async def test_unknown_paths_are_404(client: httpx.AsyncClient, path: str) -> None:
    async with client:
        response = await client.get(path)
    assert response.status_code == 404
