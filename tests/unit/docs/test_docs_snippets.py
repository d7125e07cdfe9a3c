"""Snippets are valid code in their language, and the literals they carry mean what the spec says."""

from __future__ import annotations

import ast
import html
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minbil_docs.render import markdown_inline, md_cell, md_code
from minbil_docs.snippets import _py_literal
from tests.unit.docs.docs_helpers import project_pages

SNIPPETS = [
    pytest.param(endpoint, snippet, id=f"{endpoint.operation.operation_id}-{snippet.language}")
    for page in project_pages()
    for endpoint in page.endpoints
    for snippet in endpoint.snippets
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


@given(JSON_VALUES)
def test_python_literal_of_a_json_value_evaluates_back_to_it(value: Any) -> None:
    assert ast.literal_eval(_py_literal(value, 1)) == value


@given(st.text(max_size=40))
def test_markdown_cells_stay_on_one_line_with_pipes_escaped(text: str) -> None:
    cell = md_cell(text)
    assert len(cell.splitlines()) <= 1
    assert "|" not in cell.replace("\\|", "")


@given(st.text(alphabet="ab`| <&", min_size=1, max_size=12).filter(lambda t: t.strip(" ")))
def test_inline_code_shows_exactly_the_text_it_was_given(text: str) -> None:
    rendered = str(markdown_inline(md_code(text)))
    assert rendered.startswith("<code>") and rendered.endswith("</code>")
    assert html.unescape(rendered[len("<code>") : -len("</code>")]) == text


@pytest.mark.parametrize(("endpoint", "snippet"), [p for p in SNIPPETS if p.values[1].language == "python"])
def test_python_snippets_compile(endpoint: Any, snippet: Any) -> None:
    compile(snippet.code, f"{endpoint.operation.operation_id}.py", "exec")
    if endpoint.call.has_body:
        module = ast.parse(snippet.code)
        bodies = [
            kw.value
            for node in ast.walk(module)
            if isinstance(node, ast.Call)
            for kw in node.keywords
            if kw.arg == "json"
        ]
        assert [ast.literal_eval(body) for body in bodies] == [endpoint.call.body]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_curl_snippets_are_valid_shell(tmp_path: Path) -> None:
    for endpoint, snippet in (p.values for p in SNIPPETS if p.values[1].language == "curl"):
        script = tmp_path / f"{endpoint.operation.operation_id}.sh"
        script.write_text(snippet.code, encoding="utf-8")
        done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{script.name}: {done.stderr}"


# Compiles every snippet as an ES module in one node process (node --check is one process per file).
CHECK_MODULES = """
const vm = require("node:vm");
const sources = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const failures = [];
for (const [name, code] of Object.entries(sources)) {
  try {
    new vm.SourceTextModule(code, { identifier: name });
  } catch (error) {
    failures.push(name + ": " + error.message);
  }
}
console.log(JSON.stringify(failures));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_snippets_parse_as_es_modules() -> None:
    sources = {
        f"{e.operation.operation_id}-{s.language}": s.code
        for e, s in (p.values for p in SNIPPETS)
        if s.lexer == "javascript"
    }
    done = subprocess.run(
        ["node", "--experimental-vm-modules", "--no-warnings", "-e", CHECK_MODULES],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert len(sources) >= 2 * 16


def test_request_bodies_in_javascript_equal_the_planned_body() -> None:
    for endpoint, snippet in (p.values for p in SNIPPETS if p.values[1].language == "fetch"):
        if endpoint.call.has_body:
            start = snippet.code.index("JSON.stringify(") + len("JSON.stringify(")
            body, _ = json.JSONDecoder().raw_decode(snippet.code[start:])
            assert body == endpoint.call.body


def test_a_chained_snippet_first_fetches_the_value_it_needs() -> None:
    download = next(
        e
        for p in project_pages()
        for e in p.endpoints
        if e.operation.operation_id == "downloadServiceLogExport"
    )
    assert download.call.chain is not None
    assert download.call.chain.source.operation_id == "createServiceLogExportToken"
    curl = download.snippets[0].code
    assert "jq -r '.data.token'" in curl and "export?token=$TOKEN" in curl
    assert "Authorization: Bearer" in curl  # the token call needs the bearer token; the download does not


NAVIXY_SNIPPETS = [
    snippet
    for page in project_pages()
    if page.slug == "navixy"
    for endpoint in page.endpoints
    if endpoint.operation.operation_id == "navixyVehicleList"
    for snippet in endpoint.snippets
]


@pytest.mark.parametrize("snippet", NAVIXY_SNIPPETS, ids=lambda s: s.language)
def test_a_credential_kept_in_the_query_goes_in_the_query_not_in_a_header(snippet: Any) -> None:
    """Navixy's session hash (an apiKey `in: query`) is read from the environment and sent as `hash`."""
    code = snippet.code
    assert "MINBIL_NAVIXY_HASH" in code and "NAVIXY_HASH" in code
    assert "hash=$NAVIXY_HASH" in code or "hash: NAVIXY_HASH" in code or '"hash": NAVIXY_HASH' in code
    assert "Authorization" not in code and '"hash":' not in code.replace('"hash": NAVIXY_HASH', "")
