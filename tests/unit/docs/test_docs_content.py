"""What each page says: every operation of a tag on its page, with everything a caller needs."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from minbil_docs.pages import slugify
from minbil_docs.site import SpecPaths, render_site
from tests.unit.docs.docs_helpers import page_text, project_pages, project_paths, spec_for

CAROWNER = spec_for("MinBil CarOwner API")
ENDPOINTS = [
    pytest.param(page, e, id=e.operation.operation_id) for page in project_pages() for e in page.endpoints
]


def _section(page_html: str, anchor: str) -> str:
    start = page_html.index(f'<section class="endpoint" id="{anchor}">')
    return page_html[start : page_html.index("</section>", start)]


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("tag", ["Vehicles", "ServiceLog"])
def test_each_tag_page_lists_exactly_its_operations_in_spec_order(tag: str) -> None:
    expected = [op.node["operationId"] for op in CAROWNER.operations() if tag in op.node.get("tags", [])]
    shown = re.findall(r'<section class="endpoint" id="([^"]+)"', page_text(f"{slugify(tag)}.html"))
    assert shown == expected


@pytest.mark.parametrize(("page", "endpoint"), ENDPOINTS)
def test_endpoint_section_shows_everything_a_caller_needs(page: Any, endpoint: Any) -> None:
    op = endpoint.operation
    section = _section(page_text(page.html_name), op.anchor)
    text = _text(section)
    assert f'method-{op.method.lower()}">{op.method}<' in section
    assert op.path in text and op.summary in text
    assert "Auth" in text
    for param in op.parameters:
        assert param.name in text
    for response in op.responses:
        assert f">{response.status}<" in section
    for problem in op.problems:
        assert (problem.code or problem.status) in text
    assert [s.label for s in endpoint.snippets] == ["cURL", "Node (axios)", "fetch", "Python (httpx)"]
    for snippet in endpoint.snippets:
        assert f'data-lang="{snippet.language}" data-snippet="{op.operation_id}"' in section


@pytest.mark.parametrize(("page", "endpoint"), ENDPOINTS)
def test_snippets_read_base_url_and_credential_from_the_environment(page: Any, endpoint: Any) -> None:
    for snippet in endpoint.snippets:
        assert "MINBIL_API_BASE_URL" in snippet.code and "http://localhost:5000" in snippet.code
        credential = endpoint.call.credential
        if credential is not None:
            assert credential.env in snippet.code and credential.default in snippet.code
        assert "YOUR_" not in snippet.code and "string_value" not in snippet.code


def test_parameter_table_shows_type_bounds_default_required_and_pattern() -> None:
    section = _section(page_text("service-log.html"), "listServiceLogs")
    row = section[section.index('<td class="param-name"><code>page_size</code>') :]
    row = row[: row.index("</tr>")]
    assert "integer" in row and "optional" in row and "<code>20</code>" in row and "1–100" in row
    reg_row = section[section.index('<td class="param-name"><code>registration_number</code>') :]
    assert "pattern" in reg_row[: reg_row.index("</tr>")]
    markdown = page_text("service-log.md")
    assert "| `page_size` | query | integer | no | `20` | 1–100 |" in markdown
    assert "| `token` | query | string | yes |" in markdown


def test_registry_page_explains_the_api_key_and_uses_it() -> None:
    text = _text(page_text("registry.html"))
    assert "SVV-Authorization: Apikey minbil-demo-apikey" in text
    assert "OPPLYSNINGER_IKKE_TILGJENGELIGE" in text and "minbil-blocked-apikey" in text
    (endpoint,) = next(p for p in project_pages() if p.slug == "registry").endpoints
    assert (
        endpoint.operation.path == "/ws/no/vegvesen/kjoretoy/felles/datautlevering/enkeltoppslag/kjoretoydata"
    )
    assert all("MINBIL_REGISTRY_API_KEY" in s.code and "Apikey" in s.code for s in endpoint.snippets)


def test_getting_started_names_the_start_command_tokens_and_places() -> None:
    text = page_text("getting-started.md")
    for fact in (
        "scripts/mock",
        "demo-kari",
        "demo-ola",
        "http://localhost:5000",
        "/ui",
        "/docs",
        "MINBIL_API_BASE_URL",
        "MINBIL_ACCESS_TOKEN",
        "I, O and Q",
        "`EL`",
        "SVV-Authorization",
    ):
        assert fact in text, fact


def test_index_links_every_page_and_lists_every_problem_code() -> None:
    index = page_text("index.html")
    for page in project_pages():
        assert f'href="{page.html_name}"' in index
    for code in CAROWNER.component_schemas()["ProblemCode"]["enum"]:
        assert f'id="code-{code.lower().replace("_", "-")}"' in index


def test_problem_codes_of_an_endpoint_link_to_the_glossary() -> None:
    section = _section(page_text("vehicles.html"), "linkVehicle")
    for code in ("VEHICLE_NOT_FOUND_IN_REGISTRY", "REGISTRY_UNAVAILABLE", "REGISTRATION_NUMBER_REQUIRED"):
        assert f'href="index.html#code-{code.lower().replace("_", "-")}"' in section


CONTROL_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "MinBil mock control API", "version": "1", "description": "Steer the mock."},
    "tags": [{"name": "Faults", "description": "Make calls fail."}],
    "paths": {
        "/_control/faults": {
            "post": {
                "tags": ["Faults"],
                "operationId": "injectFault",
                "summary": "Inject a fault",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Fault"},
                            "examples": {
                                "slowVehicles": {"value": {"path": "/api/co/vehicles", "delay_ms": 500}}
                            },
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Armed.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fault"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Fault": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"path": {"type": "string"}, "delay_ms": {"type": "integer", "minimum": 0}},
            }
        }
    },
}


def test_a_control_spec_gets_its_own_page_in_the_mock_section(tmp_path: Path) -> None:
    control = tmp_path / "control.yaml"
    control.write_text(yaml.safe_dump(CONTROL_SPEC), encoding="utf-8")
    paths = project_paths()
    site = render_site(paths.carowner, paths.registry, control)
    page = site["control.html"].decode()
    assert '<section class="endpoint" id="injectFault">' in page and 'id="group-faults"' in page
    assert 'href="control-schemas.html#schema-Fault"' in page
    assert 'href="control.html"' in site["index.html"].decode()
    assert "delay_ms" in site["control.md"].decode()


def test_the_project_control_spec_is_rendered_once_it_exists() -> None:
    paths = SpecPaths.of_project()
    if paths.control is None:
        pytest.skip("mock_server/control/control.yaml does not exist yet")
    control = spec_for(yaml.safe_load(paths.control.read_text(encoding="utf-8"))["info"]["title"])
    page = page_text("control.html")
    for op in control.operations():
        assert f'<section class="endpoint" id="{op.node["operationId"]}">' in page
