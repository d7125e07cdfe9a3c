"""The rule catalogue is complete and used; contracts/ stays independent of the mock server; the
registry schema shipped in contracts/ is a faithful copy of the official one."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

import contracts
from contracts.rules import RULES
from contracts.suites.registry import SCHEMA_FILE

PACKAGE = Path(contracts.__file__).resolve().parent
OFFICIAL_SPEC = (
    PACKAGE.parent.parent / "shared" / "reference" / "vegvesen" / "openapi-akf-datautlevering.json"
)
RULE_LITERAL = re.compile(
    r"\"((?:conformance|semantics|read-model|auth|isolation|registry|contracts)\.[a-z0-9-]+)\""
)


def _sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}


def test_contracts_never_import_the_mock_server() -> None:
    for path, source in _sources().items():
        for node in ast.walk(ast.parse(source)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name.split(".")[0] in {"mock_server", "fixtures"} for name in names), path


def test_every_rule_id_named_in_the_code_is_in_the_catalogue() -> None:
    named = {match for source in _sources().values() for match in RULE_LITERAL.findall(source)}
    unknown = named - set(RULES)
    assert not unknown


def test_every_catalogued_rule_is_checked_somewhere() -> None:
    sources = "".join(source for path, source in _sources().items() if path.name != "rules.py")
    unused = [rule_id for rule_id in RULES if f'"{rule_id}"' not in sources]
    assert not unused


def test_rule_ids_are_area_dot_kebab_case() -> None:
    for rule_id in RULES:
        assert re.fullmatch(r"[a-z-]+\.[a-z0-9]+(-[a-z0-9]+)*", rule_id), rule_id


def test_registry_schema_copy_matches_the_official_schemas() -> None:
    if not OFFICIAL_SPEC.exists():
        pytest.skip("reference folder absent")
    official = json.loads(OFFICIAL_SPEC.read_text(encoding="utf-8"))["components"]["schemas"]
    ours = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))["components"]["schemas"]
    assert "KjoretoydataResponse" in ours
    for name, schema in ours.items():
        assert schema == official[name], name


def test_registry_schema_copy_holds_every_schema_the_response_reaches() -> None:
    document = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    references = set(re.findall(r"#/components/schemas/(\w+)", json.dumps(schemas)))
    assert references <= set(schemas)
