"""Shared by the docs tests: the rendered site (built once per process), HTML link parsing and
schema validators whose $refs resolve inside the spec an example came from."""

from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser
from typing import Any

from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from minbil_docs.pages import Page
from minbil_docs.site import SpecPaths, build_pages, render_site
from minbil_docs.spec import SpecDocument

SPEC_URI = "urn:minbil-docs:spec"


@functools.cache
def project_paths() -> SpecPaths:
    return SpecPaths.of_project()


@functools.cache
def project_site() -> dict[str, bytes]:
    paths = project_paths()
    return render_site(paths.carowner, paths.registry, paths.control, paths.packs)


@functools.cache
def project_pages() -> tuple[Page, ...]:
    return tuple(build_pages(project_paths()))


def page_text(name: str) -> str:
    return project_site()[name].decode("utf-8")


@functools.cache
def plain_text(name: str) -> str:
    """What a reader sees of an HTML page: tags dropped, entities decoded (highlighting vanishes)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page_text(name)))


@functools.cache
def spec_for(title: str) -> SpecDocument:
    """The spec of a page's API, by its title."""
    paths = project_paths()
    for path in (paths.carowner, paths.registry, paths.control, *paths.packs):
        if path is not None:
            spec = SpecDocument.load(path)
            if spec.title == title:
                return spec
    raise LookupError(title)


def validator(spec: SpecDocument, schema_pointer: str) -> Any:
    registry = Registry().with_resource(SPEC_URI, DRAFT4.create_resource(spec.document))
    return OAS30Validator(
        {"$ref": f"{SPEC_URI}#{schema_pointer}"}, registry=registry, format_checker=oas30_format_checker
    )


class LinkCollector(HTMLParser):
    """Every id, every href/src, and the elements that would load something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.fetching: list[str] = []  # src=..., <link href=...>: loaded without a click

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if values.get("src"):
            self.fetching.append(str(values["src"]))
        if tag == "link" and values.get("href"):
            self.fetching.append(str(values["href"]))


def collect(html: str) -> LinkCollector:
    parser = LinkCollector()
    parser.feed(html)
    return parser


@functools.cache
def page_links(name: str) -> LinkCollector:
    return collect(page_text(name))


@functools.cache
def page_ids(name: str) -> frozenset[str]:
    return (
        frozenset(page_links(name).ids)
        if name.endswith(".html")
        else frozenset(markdown_anchors(page_text(name)))
    )


MD_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
MD_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')


def markdown_links(text: str) -> list[str]:
    """Link targets outside fenced code blocks."""
    outside = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return MD_LINK.findall(outside)


def markdown_anchors(text: str) -> set[str]:
    return set(MD_ANCHOR.findall(text))
