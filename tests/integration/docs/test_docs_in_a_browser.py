"""Every page the mock serves to a person — the front page, each docs page, both Swagger UIs — in a
real browser at desktop and phone width: no sideways scrolling, no console errors or failed loads,
nothing fetched from another host. Skipped where Debian's Chromium cannot be had (scripts/chromium
installs it as root).

Screenshots land in /tmp/minbil-docs-screens/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.docs.browser import Browser, chromium_or_reason
from tests.integration.docs.mock_runner import RunningMock
from tests.unit.docs.docs_helpers import project_site

SCREENS = Path("/tmp/minbil-docs-screens")
DESKTOP, PHONE = 1280, 390
DOCS_PAGES = sorted(f"/docs/{name}" for name in project_site() if name.endswith(".html"))
SWAGGER_UIS = ["/ui/", "/__mock/ui/"]
PAGES = ["/", *DOCS_PAGES, *SWAGGER_UIS]
SWAGGER_READY = "document.querySelectorAll('.opblock').length > 0"

ICON_LOADS = """(async () => {
  const link = document.querySelector('link[rel=icon]');
  return link ? (await fetch(link.href)).status : 0;
})()"""
UPPERCASED_CODE = """[...document.querySelectorAll('pre.code span')]
  .filter(e => getComputedStyle(e).textTransform !== 'none').map(e => e.textContent).slice(0, 5)"""
CLIPPED_NAV_PATHS = """[...document.querySelectorAll('.nav-path')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
CODES_ON_MORE_THAN_ONE_LINE = """[...document.querySelectorAll('td:first-child > code')]
  .filter(e => e.getClientRects().length > 1).map(e => e.textContent).slice(0, 5)"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable, reason = chromium_or_reason()
    if executable is None:
        pytest.skip(f"no browser for the browser tests: {reason}")
    opened = Browser(executable)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def screens() -> Path:
    SCREENS.mkdir(exist_ok=True)
    return SCREENS


def _shot_name(path: str, width: int) -> str:
    return (path.strip("/").replace("/", "_").removesuffix(".html") or "front-page") + f"-{width}.png"


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_desktop_and_phone_with_no_errors_and_nothing_from_outside(
    browser: Browser, mock: RunningMock, screens: Path, path: str
) -> None:
    ready = SWAGGER_READY if path in SWAGGER_UIS else "true"
    for width in (DESKTOP, PHONE):
        report = browser.open(mock.base_url + path, width, ready=ready)
        browser.screenshot(screens / _shot_name(path, width))
        assert report.problems == [], (width, report.problems)
        assert report.foreign_requests({"127.0.0.1"}) == [], width
        if path not in SWAGGER_UIS:
            assert browser.evaluate(ICON_LOADS) == 200, f"{path}: the page's icon does not load"
        if path in DOCS_PAGES:
            _reads_as_written(browser, width)


def _reads_as_written(browser: Browser, width: int) -> None:
    """A docs page as a reader sees it: code as written, whole sidebar paths, codes on one line,
    and on a phone a sidebar folded into a Menu button, so the page's heading is on the first screen."""
    assert browser.evaluate(UPPERCASED_CODE) == []  # `await`, not AWAIT
    if width == DESKTOP:
        assert browser.evaluate(CLIPPED_NAV_PATHS) == []
        return
    assert browser.evaluate(CODES_ON_MORE_THAN_ONE_LINE) == []
    assert browser.evaluate("document.querySelector('.nav-body').offsetHeight") == 0
    assert browser.evaluate("document.querySelector('main h1').getBoundingClientRect().top") < 300
    browser.evaluate("document.querySelector('.nav-toggle').click()")
    assert browser.evaluate("document.querySelector('.nav-body').offsetHeight") > 200


def test_the_built_site_works_offline_with_copy_buttons_and_language_tabs(
    browser: Browser, tmp_path: Path
) -> None:
    for name, content in project_site().items():
        (tmp_path / name).write_bytes(content)
    report = browser.open((tmp_path / "vehicles.html").as_uri(), DESKTOP)
    assert report.problems == [] and report.foreign_requests(set()) == []
    assert browser.evaluate("document.documentElement.className") == "js"
    copies = browser.evaluate("document.querySelectorAll('.code-wrap > button.copy').length")
    assert copies == browser.evaluate("document.querySelectorAll('pre.code.hl').length") > 20
    assert (
        browser.evaluate("document.querySelectorAll('.tab.active').length") == 7
    )  # one language per endpoint
    assert "localhost:5000" in browser.evaluate("document.querySelector('.tabpanel.active pre').textContent")
