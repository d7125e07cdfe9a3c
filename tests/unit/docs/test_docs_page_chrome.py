"""What every page carries around its content: title, icon, the sidebar, and a stylesheet whose own
classes never restyle highlighted code."""

from __future__ import annotations

import re

import httpx
import pytest
from pygments.token import STANDARD_TYPES
from starlette.applications import Starlette
from starlette.routing import Route

from minbil_docs.render import asset_text, path_breaks
from minbil_docs.serve import docs_endpoint
from tests.unit.docs.docs_helpers import page_text, project_site

HTML_PAGES = sorted(name for name in project_site() if name.endswith(".html"))


def _own_classes(css: str) -> set[str]:
    """Class names the docs' stylesheet styles outside highlighted code (`.hl ...`)."""
    without_comments = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    selectors = re.findall(r"([^{}]+)\{", without_comments)
    return {
        name
        for group in selectors
        for selector in group.split(",")
        if not selector.strip().startswith(".hl")
        for name in re.findall(r"\.([A-Za-z_][\w-]*)", selector)
    }


def test_the_docs_styles_never_reuse_a_pygments_token_class() -> None:
    # `.k` (a label style) also matched Pygments' keyword spans: `await` showed as AWAIT.
    pygments_classes = {name for name in STANDARD_TYPES.values() if name}
    assert _own_classes(asset_text("style.css")) & pygments_classes == set()


def test_highlighted_javascript_keywords_keep_their_case() -> None:
    css = asset_text("style.css")
    keyword_rules = [rule for rule in re.findall(r"([^{}]+)\{([^}]*)\}", css) if re.search(r"\.k\b", rule[0])]
    assert not any("uppercase" in body for _, body in keyword_rules)
    assert '<span class="k">await</span>' in page_text("vehicles.html")


@pytest.mark.parametrize("page", HTML_PAGES)
def test_the_title_names_the_page_once(page: str) -> None:
    title = re.search(r"<title>(.*?)</title>", page_text(page)).group(1)  # type: ignore[union-attr]
    assert title.count("MinBil API docs") == 1, title


@pytest.mark.parametrize("page", HTML_PAGES)
def test_every_page_has_the_sites_own_icon(page: str) -> None:
    assert '<link rel="icon" href="favicon.svg" type="image/svg+xml">' in page_text(page)
    assert project_site()["favicon.svg"].startswith(b"<svg")


def test_sidebar_paths_may_break_after_each_slash_instead_of_being_cut_off() -> None:
    assert str(path_breaks("/api/co/vehicles/{reg}")) == "/<wbr>api/<wbr>co/<wbr>vehicles/<wbr>{reg}"
    assert '<span class="nav-path">/<wbr>api/<wbr>co/<wbr>settings/<wbr>notifications</span>' in page_text(
        "vehicles.html"
    )
    assert "text-overflow: ellipsis" not in asset_text("style.css")


def test_narrow_screens_get_a_menu_button_instead_of_the_whole_sidebar() -> None:
    html = page_text("vehicles.html")
    assert '<button type="button" class="nav-toggle" aria-expanded="false" aria-controls="site-nav">' in html
    assert '<div class="nav-body" id="site-nav">' in html
    assert ".js .nav-body { display: none; }" in asset_text("style.css")


def test_markdown_tables_sit_in_a_box_that_scrolls_or_stacks_on_a_phone() -> None:
    html = page_text("index.html")
    assert html.count('<div class="table-wrap">\n<table>') == html.count("<table>") >= 2


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_the_icon_is_served_without_rendering_the_site() -> None:
    renders: list[int] = []

    def render() -> dict[str, bytes]:
        renders.append(1)
        return {}

    app = Starlette(routes=[Route("/docs{path:path}", docs_endpoint(render), methods=["GET"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
        response = await client.get("/docs/favicon.svg")
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") and renders == []
