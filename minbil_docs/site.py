"""render_site(...) -> {relative path: bytes}: every page as HTML and as its Markdown twin.

Deterministic on purpose: no clocks, no randomness, pages and files in a fixed order, so the same
specs always give the same bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .calls import load_call_settings
from .pages import (
    CAROWNER,
    FLEET,
    MOCK,
    ApiSource,
    Page,
    carowner_pages,
    code_anchor,
    control_pages,
    mock_facts,
    pack_page,
    problem_glossary,
    registry_examples,
    registry_page,
)
from .render import asset_text, code_style_css, render_template
from .serve import FAVICON, favicon

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START = "Start"


@dataclass(frozen=True)
class SpecPaths:
    carowner: Path
    registry: Path | None = None
    control: Path | None = None
    packs: tuple[Path, ...] = ()  # the API packs' specs: mock_server/packs/<name>/openapi.yaml

    @classmethod
    def of_project(cls, root: Path = PROJECT_ROOT) -> SpecPaths:
        """The project's specs; the control API's only once its spec exists."""
        control = root / "mock_server" / "control" / "control.yaml"
        return cls(
            root / "openapi.yaml",
            root / "mock_server" / "packs" / "registry" / "vegvesen.yaml",
            control if control.is_file() else None,
            tuple(sorted((root / "mock_server" / "packs").glob("*/openapi.yaml"))),
        )


def build_pages(paths: SpecPaths) -> list[Page]:
    carowner = ApiSource.load(paths.carowner)
    api_pages = carowner_pages(carowner)
    if paths.registry is not None:
        api_pages.append(registry_page(ApiSource.load(paths.registry, registry_examples())))
    api_pages += [pack_page(ApiSource.load(path), path.parent.name) for path in paths.packs]
    if paths.control is not None:
        api_pages += control_pages(ApiSource.load(paths.control))

    first_call = next(e for p in api_pages for e in p.endpoints if e.operation.operation_id == "getVehicles")
    getting_started = Page(
        slug="getting-started",
        title="Getting started with the mock",
        kind="article",
        section=START,
        lead="Start the mock, pick a demo user, make your first call.",
        body=render_template(
            "getting-started.md.j2",
            facts=mock_facts(),
            pages=api_pages,
            first_call=first_call,
            base=carowner.settings.base_url,
        ),
    )
    realtime = Page(
        slug="realtime",
        title="Realtime: live events in the app",
        kind="article",
        section=START,
        lead="Subscribe with supabase-js and see workshop events, messages and reminders arrive live.",
        body=render_template(
            "realtime.md.j2",
            base=carowner.settings.base_url.default,
            realtime_description=_after_decision(
                carowner.spec.document["paths"]["/api/co/realtime/config"]["get"]["description"]
            ),
        ),
    )
    index = Page(
        slug="index",
        title="MinBil API docs",
        kind="article",
        section=START,
        lead="Overview and problem codes.",
        intro=render_template("index-intro.md.j2", spec=carowner.spec),
        body=render_template(
            "index.md.j2",
            spec=carowner.spec,
            glossary=problem_glossary(api_pages, carowner.spec),
            code_anchor=code_anchor,
        ),
        extra={"cards": [getting_started, realtime, *api_pages]},
    )
    return [index, getting_started, realtime, *api_pages]


def _after_decision(description: str) -> str:
    """The event catalogue of the realtime operation's description: from its Broadcasts on."""
    start = description.find("**Broadcasts**")
    return description[start:].strip() if start >= 0 else description.strip()


def navigation(pages: list[Page]) -> list[tuple[str, list[Page]]]:
    sections: list[tuple[str, list[Page]]] = [(START, []), (CAROWNER, []), (FLEET, []), (MOCK, [])]
    for page in pages:
        next(items for name, items in sections if name == page.section).append(page)
    return [(name, items) for name, items in sections if items]


def tidy_markdown(text: str) -> str:
    """Links between pages point at the Markdown twins; at most one blank line in a row (templates
    leave more; no code block has two)."""
    text = re.sub(r"\]\(([a-z0-9-]+)\.html([#)])", r"](\1.md\2", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_site(
    carowner: Path, registry: Path | None = None, control: Path | None = None, packs: tuple[Path, ...] = ()
) -> dict[str, bytes]:
    """Every file of the site by relative path; `index.html` is the entry point."""
    pages = build_pages(SpecPaths(carowner, registry, control, packs))
    nav = navigation(pages)
    css = asset_text("style.css") + "\n" + code_style_css()
    script = asset_text("site.js")
    base = load_call_settings().base_url
    files: dict[str, bytes] = {}
    for page in pages:
        context = {"page": page, "code_anchor": code_anchor, "base": base}
        html = render_template(f"{page.kind}.html.j2", nav=nav, css=css, script=script, **context)
        files[page.html_name] = html.encode("utf-8")
        files[page.md_name] = tidy_markdown(render_template(f"{page.kind}.md.j2", **context)).encode("utf-8")
    files[FAVICON] = favicon()
    return dict(sorted(files.items()))


def render_project_site(root: Path = PROJECT_ROOT) -> dict[str, bytes]:
    paths = SpecPaths.of_project(root)
    return render_site(paths.carowner, paths.registry, paths.control, paths.packs)
