"""The two lines that mount the docs in the mock work: /docs serves the site next to /ui and the API."""

from __future__ import annotations

import warnings

import httpx
import pytest

from minbil_docs.serve import docs_endpoint

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from mock_server.app import create_app
    from mock_server.packs.carowner.seeding import build_seeded_world
    from mock_server.settings import Settings


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def client() -> httpx.AsyncClient:
    settings = Settings()
    world, _ = build_seeded_world(settings)
    app = create_app(settings, world)
    # The lines for mock_server/app.py (create_app, after add_registry_api):
    app.add_url_rule("/docs{path:path}", "docs", docs_endpoint(), methods=["GET"])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost:5000")


@pytest.mark.anyio
async def test_mock_serves_the_docs_at_docs(client: httpx.AsyncClient) -> None:
    async with client:
        redirect = await client.get("/docs")
        index = await client.get("/docs/")
        page = await client.get("/docs/vehicles.html")
        twin = await client.get("/docs/vehicles.md")
        missing = await client.get("/docs/nope.html")
        api = await client.get("/api/co/vehicles", headers={"Authorization": "Bearer demo-kari"})
    assert redirect.status_code == 308 and redirect.headers["location"] == "/docs/"
    assert index.status_code == 200 and "MinBil API docs" in index.text
    assert page.status_code == 200 and 'id="linkVehicle"' in page.text
    assert twin.status_code == 200 and twin.text.startswith("# Vehicles")
    assert missing.status_code == 404
    assert api.status_code == 200  # the API is untouched
