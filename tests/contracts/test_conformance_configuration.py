"""The conformance suite tells its reports how schemathesis was configured, and that account is true."""

from __future__ import annotations

import copy
import functools

import schemathesis
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from contracts import PROFILES, RunOptions
from contracts.options import DEFAULT_SPEC
from contracts.suites.conformance_config import (
    CHECK_NOTES,
    CHECK_RULES,
    CHECKS_OFF,
    EXPORT_DOWNLOAD_OPERATION,
    SEMANTIC_400_OPERATIONS,
    build_config,
    explain,
)


@functools.cache
def _spec() -> dict:
    return yaml.safe_load(DEFAULT_SPEC.read_text(encoding="utf-8"))


def _operations(config):
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_spec()), config=config)
    return [result.ok() for result in schema.get_all_operations()]


@settings(max_examples=12, deadline=None)
@given(
    profile=st.sampled_from(sorted(PROFILES)),
    read_only=st.booleans(),
    token_issued=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_the_explained_configuration_is_the_one_schemathesis_runs_with(
    profile: str, read_only: bool, token_issued: bool, seed: int
) -> None:
    options = RunOptions(token="demo-kari", profile=PROFILES[profile], read_only=read_only, seed=seed)
    config = build_config(
        options, base_url="http://localhost:5000", export_token="t" if token_issued else None
    )
    explained = {setting.name: setting for setting in explain(options, export_token_issued=token_issued)}
    project = config.projects.get_default()

    phases = explained["phases"].value
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        assert getattr(project.phases, phase).enabled == (phase in phases.split(";")[0]), phase
    assert f"{PROFILES[profile].conformance_examples} examples" in phases and f"seed {seed}" in phases

    for name, rule in CHECK_RULES.items():
        assert getattr(project.checks, name).enabled, name
        assert explained[f"check {name}"].value == f"on ({rule})"
    for name in CHECKS_OFF:
        assert explained[f"check {name}"].value == "off"

    accepting_400 = set()
    given_token = set()
    for operation in _operations(config):
        operation_id = operation.definition.raw["operationId"]
        checks = project.checks_config_for(operation=operation)
        if "400" in checks.positive_data_acceptance.expected_statuses:
            accepting_400.add(operation_id)
        if project.operations.get_for_operation(operation).parameters.get("query.token") is not None:
            given_token.add(operation_id)
    explained_400 = {name.split(":")[0] for name in explained if name.endswith(": positive_data_acceptance")}
    assert accepting_400 == explained_400 == set(SEMANTIC_400_OPERATIONS)
    token_setting = explained[f"{EXPORT_DOWNLOAD_OPERATION}: query.token"]
    assert (token_setting.value == "a fresh export token") == token_issued
    assert given_token == ({EXPORT_DOWNLOAD_OPERATION} if token_issued else set())

    assert ("read-only" in explained) == read_only
    assert (project.phases.coverage.unexpected_methods == set()) == read_only


def test_every_check_schemathesis_has_is_reported_as_on_or_off_with_its_reason() -> None:
    checks = SchemathesisConfig.from_dict({}).projects.get_default().checks
    known = {
        name for name in dir(checks) if not name.startswith("_") and hasattr(getattr(checks, name), "enabled")
    }
    assert known == set(CHECK_RULES) | set(CHECKS_OFF), "a schemathesis check the reports do not account for"
    assert set(CHECK_NOTES) == set(CHECK_RULES)
    assert not set(CHECKS_OFF) & set(CHECK_RULES)
    assert all(note.strip() for note in CHECK_NOTES.values())


def test_every_documented_400_is_explained_by_the_codes_it_stands_for() -> None:
    for operation, reason in SEMANTIC_400_OPERATIONS.items():
        codes = [part.split("(")[-1].rstrip(")") for part in reason.split("; ")]
        assert codes and all(code.isupper() for code in codes), (operation, reason)
    setting = next(
        s for s in explain(RunOptions(token="t"), export_token_issued=True) if "getVehicles" in s.name
    )
    assert "REGISTRATION_NUMBER_CONFLICT" in setting.reason
