"""Every internal link and anchor resolves; nothing is fetched from the network."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

import pytest

from tests.unit.docs.docs_helpers import markdown_links, page_ids, page_links, page_text, project_site

HTML_PAGES = sorted(name for name in project_site() if name.endswith(".html"))
MD_PAGES = sorted(name for name in project_site() if name.endswith(".md"))


def _target(page: str, href: str) -> tuple[str, str]:
    parts = urlsplit(href)
    return (posixpath.normpath(parts.path) if parts.path else page), parts.fragment


def test_site_has_the_expected_pages() -> None:
    stems = {name.rsplit(".", 1)[0] for name in project_site()}
    assert {"index", "getting-started", "vehicles", "service-log", "schemas", "registry"} <= stems
    assert {name.rsplit(".", 1)[0] for name in HTML_PAGES} == {name.rsplit(".", 1)[0] for name in MD_PAGES}


@pytest.mark.parametrize("page", HTML_PAGES)
def test_every_html_link_resolves_to_a_page_and_anchor(page: str) -> None:
    links = page_links(page).hrefs
    assert links
    for href in links:
        if urlsplit(href).scheme:
            continue
        target, fragment = _target(page, href)
        assert target in project_site(), f"{page}: {href} points at a missing page"
        if fragment:
            assert fragment in page_ids(target), f"{page}: {href} has no anchor"


@pytest.mark.parametrize("page", HTML_PAGES)
def test_ids_are_unique_on_each_page(page: str) -> None:
    ids = page_links(page).ids
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("page", MD_PAGES)
def test_every_markdown_link_resolves(page: str) -> None:
    for href in markdown_links(page_text(page)):
        if urlsplit(href).scheme:
            continue
        target, fragment = _target(page, href)
        assert target in project_site(), f"{page}: {href} points at a missing page"
        if fragment:
            assert fragment in page_ids(target), f"{page}: {href} has no anchor"


@pytest.mark.parametrize("page", HTML_PAGES)
def test_pages_load_nothing_from_the_network(page: str) -> None:
    html = page_text(page)
    # Only the site's own files (its icon): nothing from another host.
    assert all(not urlsplit(src).netloc and src in project_site() for src in page_links(page).fetching)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", html)
    assert not re.search(r"<script[^>]+src=", html)
    assert "//cdn" not in html and "fonts.googleapis" not in html


def test_every_endpoint_is_in_the_quick_index_and_the_sidebar() -> None:
    html = page_text("vehicles.html")
    endpoint_ids = re.findall(r'<section class="endpoint" id="([^"]+)"', html)
    assert len(endpoint_ids) == 7
    for anchor in endpoint_ids:
        assert html.count(f'href="#{anchor}"') >= 2  # quick index and sidebar


@pytest.mark.parametrize("page", MD_PAGES)
def test_markdown_twins_link_to_markdown_twins(page: str) -> None:
    internal = [href for href in markdown_links(page_text(page)) if not urlsplit(href).scheme]
    html_links = [href for href in internal if urlsplit(href).path.endswith(".html")]
    assert html_links in ([], [f"./{page.replace('.md', '.html')}"])  # only the "HTML version" link
