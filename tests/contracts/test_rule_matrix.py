"""The rule matrix has no empty cell: every rule says where it is stated, which checks test it and which
planted faults prove those checks; the fault names agree with the mock and with the proven table."""

from __future__ import annotations

import importlib

import pytest

from contracts.rule_matrix import COVERAGE, NO_PLANTED_FAULT, render
from contracts.rules import RULES
from mock_server.packs.carowner.faults import FAULTS as CAROWNER_FAULTS
from mock_server.packs.registry.faults import FAULTS as REGISTRY_FAULTS
from tests.contracts.mock_targets import FAULTS as PROVEN

PROVEN_RULE = {fault.name: fault.rule_id for fault in PROVEN}
# The contract suite's rules cover the CarOwner API and the registry fake it looks cars up in.
MOCK_FAULTS = {**CAROWNER_FAULTS, **REGISTRY_FAULTS}


def _resolve(reference: str) -> object:
    module, _, attribute = reference.partition(":")
    found: object = importlib.import_module(f"contracts.{module}")
    for part in attribute.split("."):
        found = getattr(found, part)
    return found


def test_every_rule_has_a_row_and_every_row_a_rule() -> None:
    assert set(COVERAGE) == set(RULES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_says_where_it_is_stated_and_what_checks_it(rule_id: str) -> None:
    coverage = COVERAGE[rule_id]
    assert coverage.stated.strip()
    assert coverage.checks
    for reference in coverage.checks:
        assert callable(_resolve(reference)), reference


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_a_planted_fault_or_a_reason_why_none_can_exist(rule_id: str) -> None:
    faults = COVERAGE[rule_id].faults
    if rule_id in NO_PLANTED_FAULT:
        assert not faults, f"{rule_id} is exempt, yet names faults {faults}"
        assert len(NO_PLANTED_FAULT[rule_id]) > 20
    else:
        assert faults, f"{rule_id} has no planted fault that proves its check"


def test_the_exemptions_stay_few_and_name_real_rules() -> None:
    assert set(NO_PLANTED_FAULT) <= set(RULES)
    assert len(NO_PLANTED_FAULT) <= 5


def test_every_fault_in_the_matrix_exists_in_the_mock_and_is_proven_under_that_rule() -> None:
    for rule_id, coverage in COVERAGE.items():
        for fault in coverage.faults:
            assert fault in MOCK_FAULTS, f"{fault} ({rule_id}) is not a fault of the mock"
            assert PROVEN_RULE.get(fault) == rule_id, (
                f"{fault} is listed under {rule_id}, but the proven table has {PROVEN_RULE.get(fault)}"
            )


def test_every_fault_of_the_mock_is_proven_and_in_the_matrix() -> None:
    listed = {fault for coverage in COVERAGE.values() for fault in coverage.faults}
    assert set(MOCK_FAULTS) == set(PROVEN_RULE)
    assert set(PROVEN_RULE) <= listed


def test_the_registry_faults_are_the_registry_packs_and_break_only_its_answers() -> None:
    assert set(REGISTRY_FAULTS) == {fault for fault in PROVEN_RULE if fault.startswith("registry-")}
    assert not set(REGISTRY_FAULTS) & set(CAROWNER_FAULTS)
    assert {PROVEN_RULE[fault].split(".")[0] for fault in REGISTRY_FAULTS} == {"registry"}


def test_the_printed_matrix_names_every_rule_with_its_faults() -> None:
    text = render()
    for rule_id, coverage in COVERAGE.items():
        assert f"\n{rule_id}\n" in f"\n{text}"
        for fault in coverage.faults:
            assert fault in text
