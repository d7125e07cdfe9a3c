"""The docs name the origin they are served from; the built site keeps http://localhost:5000."""

from __future__ import annotations

import re

import httpx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.routing import Route

from minbil_docs.origin import DEFAULT_ORIGIN, request_origin, with_origin
from minbil_docs.serve import docs_endpoint
from minbil_docs.site import PROJECT_ROOT
from tests.unit.docs.docs_helpers import project_site

PAGE = f"<h1>Docs</h1><pre>BASE_URL={DEFAULT_ORIGIN}</pre>".encode()
SAFE_ORIGIN = re.compile(r"https?://[A-Za-z0-9.:\[\]-]+")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _client(renders: list[int]) -> httpx.AsyncClient:
    def render() -> dict[str, bytes]:
        renders.append(1)
        return {"index.html": PAGE}

    app = Starlette(routes=[Route("/docs{path:path}", docs_endpoint(render), methods=["GET"])])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock")


@pytest.mark.anyio
async def test_served_docs_name_the_host_and_scheme_they_were_asked_for_and_render_once() -> None:
    renders: list[int] = []
    async with _client(renders) as client:
        direct = await client.get("/docs/", headers={"Host": "127.0.0.1:8080"})
        proxied = await client.get(
            "/docs/",
            headers={
                "Host": "10.0.0.5:5000",
                "X-Forwarded-Host": "mock.example.test:8443",
                "X-Forwarded-Proto": "https",
            },
        )
    assert "BASE_URL=http://127.0.0.1:8080<" in direct.text
    assert "BASE_URL=https://mock.example.test:8443<" in proxied.text
    assert DEFAULT_ORIGIN not in direct.text + proxied.text
    assert "Host" in direct.headers["vary"]
    assert renders == [1]


@pytest.mark.parametrize(
    ("scheme", "headers", "origin"),
    [
        ("http", {"host": "localhost:5000"}, "http://localhost:5000"),
        ("https", {"host": "docs.example.test"}, "https://docs.example.test"),
        ("https", {"host": "docs.example.test:443"}, "https://docs.example.test"),
        ("http", {"host": "[::1]:5000"}, "http://[::1]:5000"),
        (
            "http",
            {"host": "a", "x-forwarded-proto": "https, http", "x-forwarded-host": "b.test, a"},
            "https://b.test",
        ),
        ("http", {"host": 'x"><script>alert(1)</script>'}, DEFAULT_ORIGIN),
        ("http", {"host": "a.test", "x-forwarded-proto": "javascript"}, DEFAULT_ORIGIN),
        ("http", {}, DEFAULT_ORIGIN),
    ],
)
def test_request_origin_follows_the_headers_and_refuses_what_is_not_a_host(
    scheme: str, headers: dict[str, str], origin: str
) -> None:
    assert request_origin(scheme, headers) == origin


@given(
    host=st.text(max_size=80),
    proto=st.sampled_from(["http", "https", "ftp", ""]),
    forwarded=st.text(max_size=40),
)
def test_any_headers_give_an_origin_that_is_safe_to_write_into_html_and_code(
    host: str, proto: str, forwarded: str
) -> None:
    origin = request_origin("http", {"host": host, "x-forwarded-proto": proto, "x-forwarded-host": forwarded})
    assert SAFE_ORIGIN.fullmatch(origin), origin


def test_every_mention_of_the_default_origin_is_replaced_even_inside_highlighted_code() -> None:
    # Lexers split URLs into tokens (`http`, `://localhost:`, `5000` in Bash); none may be left behind.
    for name, content in project_site().items():
        served = with_origin(content, "https://mock.example.test:8443").decode("utf-8")
        assert "localhost" not in served, name
    assert project_site()["vehicles.html"].count(DEFAULT_ORIGIN.encode()) >= 7  # one per endpoint at least


def test_the_built_site_keeps_the_default_origin_that_the_snippets_and_facts_use() -> None:
    content = PROJECT_ROOT / "minbil_docs" / "content"
    calls = yaml.safe_load((content / "calls.yaml").read_text(encoding="utf-8"))
    facts = yaml.safe_load((content / "mock.yaml").read_text(encoding="utf-8"))
    assert calls["base_url"]["default"] == facts["base_url"] == DEFAULT_ORIGIN
    assert f'"${{MINBIL_API_BASE_URL:-{DEFAULT_ORIGIN}}}"' in re.sub(
        r"<[^>]+>", "", project_site()["getting-started.html"].decode("utf-8")
    ).replace("&quot;", '"')
