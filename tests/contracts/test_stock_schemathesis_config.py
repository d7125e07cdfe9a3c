"""The repository's schemathesis.toml is the conformance suite's own table of documented 400s."""

from __future__ import annotations

import tomllib
from pathlib import Path

import schemathesis
from schemathesis.config import SchemathesisConfig

from contracts.options import DEFAULT_SPEC
from contracts.suites.conformance_config import (
    SEMANTIC_400_OPERATIONS,
    STOCK_CHECKS_OFF,
    stock_operations,
    stock_schemathesis_toml,
)

STOCK_CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"


def test_the_repository_schemathesis_toml_is_rendered_from_the_suite_table() -> None:
    assert STOCK_CONFIG.read_text(encoding="utf-8") == stock_schemathesis_toml(), (
        "schemathesis.toml drifted from contracts/suites/conformance_config.py; regenerate it with "
        ".venv/bin/python -m contracts.suites.conformance_config > schemathesis.toml"
    )


def test_the_stock_config_accepts_400_for_exactly_the_suite_operations() -> None:
    document = tomllib.loads(STOCK_CONFIG.read_text(encoding="utf-8"))
    assert document == {"operations": stock_operations()}
    assert [entry["include-operation-id"] for entry in document["operations"]] == list(
        SEMANTIC_400_OPERATIONS
    )


def test_schemathesis_resolves_the_stock_config_to_exactly_those_operations_of_the_spec() -> None:
    config = SchemathesisConfig.from_path(str(STOCK_CONFIG))
    schema = schemathesis.openapi.from_path(DEFAULT_SPEC, config=config)
    accepting_400 = set()
    checks_off: dict[str, set[str]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operation_id = operation.definition.raw["operationId"]
        for phase in (None, "stateful"):
            checks = config.projects.get_default().checks_config_for(operation=operation, phase=phase)
            if "400" in checks.positive_data_acceptance.expected_statuses:
                accepting_400.add(operation_id)
            off = {
                name
                for name in ("ensure_resource_availability",)
                if not checks.get_by_name(name=name).enabled
            }
            if off:
                checks_off.setdefault(operation_id, set()).update(off)
    assert accepting_400 == set(SEMANTIC_400_OPERATIONS)
    assert checks_off == {operation: set(checks) for operation, checks in STOCK_CHECKS_OFF.items()}


def test_the_contract_suite_keeps_every_check_the_stock_config_leaves_off() -> None:
    from contracts import RunOptions
    from contracts.suites.conformance_config import build_config

    config = build_config(RunOptions(token="t"), base_url="http://localhost:5000", export_token=None)
    schema = schemathesis.openapi.from_path(DEFAULT_SPEC, config=config)
    for result in schema.get_all_operations():
        operation = result.ok()
        checks = config.projects.get_default().checks_config_for(operation=operation, phase="stateful")
        for name in STOCK_CHECKS_OFF.get(operation.definition.raw["operationId"], {}):
            assert checks.get_by_name(name=name).enabled, name
