"""A real browser renders the built pages offline and their script runs (skipped without Chromium).

Screenshots land in /tmp/minbil-docs-screens/ for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from minbil_docs.site import render_project_site

BROWSERS = ("chromium", "chromium-headless-shell", "google-chrome")
SCREENS = Path("/tmp/minbil-docs-screens")


@pytest.fixture(scope="module")
def browser() -> str:
    found = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if found is None:
        pytest.skip("no Chromium found to render the pages")
    return found


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    for name, content in render_project_site().items():
        (out / name).write_bytes(content)
    return out


def _chromium(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    # No network at all: a page that tried to fetch something would still render, but without it.
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
    ]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=90, check=False)


@pytest.mark.parametrize("page", ["index.html", "vehicles.html", "getting-started.html"])
def test_page_renders_to_a_screenshot(browser: str, built_site: Path, page: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    shot = SCREENS / page.replace(".html", ".png")
    shot.unlink(missing_ok=True)
    done = _chromium(browser, "--window-size=1400,1600", f"--screenshot={shot}", (built_site / page).as_uri())
    assert shot.is_file(), done.stderr[-2000:]
    assert shot.stat().st_size > 30_000  # a blank page compresses to a few KiB


def test_script_adds_copy_buttons_and_language_tabs(browser: str, built_site: Path) -> None:
    done = _chromium(browser, "--dump-dom", (built_site / "vehicles.html").as_uri())
    dom = done.stdout
    assert '<html lang="en" class="js">' in dom
    assert dom.count('<button type="button" class="copy"') == dom.count('<pre class="code hl">') > 20
    assert dom.count('class="tab active"') == 7  # one language shown per endpoint
