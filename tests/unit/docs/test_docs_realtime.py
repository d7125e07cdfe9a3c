"""The Realtime article: a supabase-js snippet that works as written, and every event of the spec."""

from __future__ import annotations

import re

import yaml

from mock_server.realtime.rows import TABLES
from tests.unit.docs.docs_helpers import page_text, project_paths


def _description() -> str:
    spec = yaml.safe_load(project_paths().carowner.read_text(encoding="utf-8"))
    return spec["paths"]["/api/co/realtime/config"]["get"]["description"]


def test_the_realtime_page_shows_the_supabase_js_snippet_against_the_mock() -> None:
    text = page_text("realtime.md")
    snippet = re.search(r"```js\n(.*?)```", text, re.S)
    assert snippet is not None
    code = snippet.group(1)
    for needed in (
        "createClient(config.supabase_url, config.anon_key",
        "accessToken: async () => token",
        "await supabase.realtime.setAuth()",
        "{ config: { private: true } }",
        "postgres_changes",
    ):
        assert needed in code
    assert "http://localhost:5000/api/co/realtime/config" in code


def test_the_page_carries_the_specs_event_catalogue() -> None:
    text = page_text("realtime.md")
    catalogue = _description()[_description().index("**Broadcasts**") :].strip()
    assert catalogue.splitlines()[0] in text and catalogue.splitlines()[-1] in text


def test_the_spec_names_every_table_and_its_columns_the_server_sends() -> None:
    description = _description()[_description().index("**Row changes**") :]
    for table, columns in TABLES.items():
        row = next(line for line in description.splitlines() if line.startswith(f"| `{table}` |"))
        assert row.rsplit("|", 2)[1].strip().strip("`").split(", ") == [name for name, _ in columns], table
