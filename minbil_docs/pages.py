"""Which pages the site has and what each holds: one page per tag of the CarOwner API, its schema
reference, the registry fake, the control API (when its spec exists), getting started and the index."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .calls import Call, CallPlanner, CallSettings, load_call_settings
from .model import ExtraExamples, Operation, OperationReader
from .schemas import SchemaView, schema_views
from .snippets import Snippet, snippets_for
from .spec import SpecDocument

CAROWNER, FLEET, MOCK = "CarOwner API", "Fleet APIs", "Mock"  # sidebar sections


@dataclass(frozen=True)
class Endpoint:
    operation: Operation
    call: Call
    snippets: tuple[Snippet, ...]


@dataclass(frozen=True)
class Group:
    title: str | None
    description: str
    endpoints: tuple[Endpoint, ...]


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    kind: str  # "api", "schemas" or "article"
    section: str
    lead: str
    intro: str = ""  # Markdown under the title (on API pages from the spec: rendered without raw HTML)
    notes: str = ""  # our own Markdown, shown in a box after the intro
    groups: tuple[Group, ...] = ()
    schemas: tuple[SchemaView, ...] = ()
    schemas_slug: str | None = None  # the page this page's schema names link to
    body: str = ""  # article Markdown
    api_title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def html_name(self) -> str:
        return f"{self.slug}.html"

    @property
    def md_name(self) -> str:
        return f"{self.slug}.md"

    @property
    def endpoints(self) -> list[Endpoint]:
        return [endpoint for group in self.groups for endpoint in group.endpoints]


@dataclass(frozen=True)
class ApiSource:
    """One spec, read once: its operations and the calls the snippets make."""

    spec: SpecDocument
    operations: list[Operation]
    planner: CallPlanner
    settings: CallSettings

    @classmethod
    def load(cls, path: Path, extra_examples: ExtraExamples | None = None) -> ApiSource:
        spec, settings = SpecDocument.load(path), load_call_settings()
        operations = OperationReader(spec, settings.credentials, extra_examples).read_all()
        return cls(spec, operations, CallPlanner(spec, operations, settings), settings)

    def endpoints(self, tag: str | None = None) -> tuple[Endpoint, ...]:
        chosen = [op for op in self.operations if tag is None or tag in op.tags]
        endpoints = []
        for op in chosen:
            call = self.planner.plan(op.operation_id)
            endpoints.append(Endpoint(op, call, snippets_for(call, self.settings.base_url)))
        return tuple(endpoints)


def slugify(name: str) -> str:
    """`ServiceLog` -> `service-log`, `Fault injection` -> `fault-injection`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name)
    return re.sub(r"[^a-z0-9]+", "-", spaced.lower()).strip("-")


def content_text(name: str) -> str:
    return resources.files(__package__).joinpath(f"content/{name}").read_text(encoding="utf-8")


@functools.cache
def mock_facts() -> dict[str, Any]:
    return yaml.safe_load(content_text("mock.yaml"))


def registry_examples() -> ExtraExamples:
    return yaml.safe_load(content_text("registry_examples.yaml"))


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    return flat.split(". ")[0].rstrip(".") + "." if flat else ""


def carowner_pages(source: ApiSource) -> list[Page]:
    pages = []
    for tag in source.spec.tags():
        groups = (Group(None, "", source.endpoints(tag["name"])),)
        if not groups[0].endpoints:
            continue
        description = str(tag.get("description", "")).strip()
        pages.append(
            Page(
                slug=slugify(tag["name"]),
                title=tag["name"],
                kind="api",
                section=CAROWNER,
                lead=first_sentence(description),
                intro=description,
                groups=groups,
                schemas_slug="schemas",
                api_title=source.spec.title,
            )
        )
    pages.append(
        Page(
            slug="schemas",
            title="Schemas",
            kind="schemas",
            section=CAROWNER,
            lead="Every request and response shape, field by field.",
            schemas=tuple(schema_views(source.spec)),
            api_title=source.spec.title,
        )
    )
    return pages


def registry_page(source: ApiSource) -> Page:
    own_words = str(source.spec.info.get("description", "")).strip()
    quoted = "\n".join(f"> {line}".rstrip() for line in own_words.splitlines())
    return Page(
        slug="registry",
        title="Statens vegvesen (registry fake)",
        kind="api",
        section=MOCK,
        lead="The vehicle registry look-up the mock serves next to the API.",
        intro="The mock's stand-in for Statens vegvesen's vehicle look-up (*enkeltoppslag*): the "
        "registry the CarOwner API fetches vehicle data from.",
        notes=content_text("registry-notes.md").rstrip() + "\n\n" + quoted,
        groups=(Group(None, "", source.endpoints()),),
        api_title=source.spec.title,
    )


def pack_page(source: ApiSource, slug: str) -> Page:
    """One page for an API pack's spec (mock_server/packs/<slug>/openapi.yaml): its own words,
    its operations grouped by tag."""
    groups = tag_groups(source)
    description = str(source.spec.info.get("description", "")).strip()
    return Page(
        slug=slug,
        title=source.spec.title,
        kind="api",
        section=FLEET,
        lead=first_sentence(description).replace("`", ""),  # a card's plain text
        intro=description,
        groups=groups,
        api_title=source.spec.title,
    )


def tag_groups(source: ApiSource) -> tuple[Group, ...]:
    """The spec's operations by tag, in the spec's tag order; untagged ones last, under "Other"."""
    groups = tuple(
        Group(tag["name"], str(tag.get("description", "")).strip(), source.endpoints(tag["name"]))
        for tag in source.spec.tags()
    )
    untagged = tuple(e for e in source.endpoints() if not e.operation.tags)
    return tuple(g for g in groups if g.endpoints) + ((Group("Other", "", untagged),) if untagged else ())


def control_pages(source: ApiSource) -> list[Page]:
    groups = tag_groups(source)
    pages = [
        Page(
            slug="control",
            title="Control API",
            kind="api",
            section=MOCK,
            lead="Drive the mock from tests: scenarios, faults, time and workshop events.",
            intro=str(source.spec.info.get("description", "")).strip(),
            groups=groups,
            schemas_slug="control-schemas" if source.spec.component_schemas() else None,
            api_title=source.spec.title,
        )
    ]
    if source.spec.component_schemas():
        pages.append(
            Page(
                slug="control-schemas",
                title="Control API schemas",
                kind="schemas",
                section=MOCK,
                lead="The control API's request and response shapes.",
                schemas=tuple(schema_views(source.spec)),
                api_title=source.spec.title,
            )
        )
    return pages


def problem_glossary(pages: list[Page], spec: SpecDocument) -> list[dict[str, Any]]:
    """Every problem code: its status, title, meaning and the endpoints that can return it."""
    by_code: dict[str, dict[str, Any]] = {}
    for page in pages:
        for endpoint in page.endpoints:
            for problem in endpoint.operation.problems:
                if problem.code is None:
                    continue
                entry = by_code.setdefault(
                    problem.code,
                    {
                        "code": problem.code,
                        "status": problem.status,
                        "title": problem.title,
                        "meaning": problem.meaning,
                        "endpoints": [],
                    },
                )
                entry["endpoints"].append((page, endpoint.operation))
    enum = spec.component_schemas().get("ProblemCode", {}).get("enum", [])
    for code in enum:
        by_code.setdefault(
            code,
            {
                "code": code,
                "status": None,
                "title": None,
                "endpoints": [],
                "meaning": "Any path or method the API does not have.",
            },
        )
    order = {code: index for index, code in enumerate(enum)}
    return sorted(by_code.values(), key=lambda entry: (order.get(entry["code"], len(order)), entry["code"]))


def code_anchor(code: str) -> str:
    return "code-" + code.lower().replace("_", "-")
