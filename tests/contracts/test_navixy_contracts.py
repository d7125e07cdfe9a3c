"""The Navixy contract checks: the clean mock passes them, and each planted fault is caught by its rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contracts.apis.navixy import auth, isolation, model
from contracts.apis.navixy.client import NavixyClient
from contracts.failures import RuleViolation
from mock_server.packs.navixy import FAULTS, api
from mock_server.settings import Settings
from tests.integration.conftest import Mock, start_mock


def _mock(*faults: str) -> Mock:
    return start_mock(Settings(planted_faults=frozenset(faults)))


def _clients(mock: Mock) -> tuple[NavixyClient, NavixyClient, NavixyClient]:
    """(owner, the owner's sub-user, another account)."""
    one, two = mock.new_sandbox(), mock.new_sandbox()
    http = mock.client
    return (
        NavixyClient(http, api.session_hash(one)),
        NavixyClient(http, api.sub_user_hash(one)),
        NavixyClient(http, api.session_hash(two)),
    )


CHECKS: dict[str, Callable[[NavixyClient, NavixyClient, NavixyClient], None]] = {
    "wrong hash": lambda owner, sub, other: auth.wrong_hash_is_3(owner),
    "ended session": lambda owner, sub, other: auth.ended_session_is_4(owner),
    "sub-user": lambda owner, sub, other: auth.sub_user_cannot_write(sub),
    "isolation": lambda owner, sub, other: isolation.separate(owner, other),
    "model": lambda owner, sub, other: model.check_model(owner, max_examples=12, steps=10, shrink=False),
}
# planted fault -> (the check that must catch it, the rule it must be caught under)
CAUGHT_BY: dict[str, tuple[str, str]] = {
    "navixy-list-offset-off-by-one": ("model", "navixy.list-paging"),
    "navixy-sort-ignores-desc": ("model", "navixy.list-sort"),
    "navixy-filter-label-only": ("model", "navixy.list-filter"),
    "navixy-update-keeps-old-tags": ("model", "navixy.read-after-write"),
    "navixy-delete-ids-refuses-unknown": ("model", "navixy.delete"),
    "navixy-force-reassign-ignored": ("model", "navixy.tracker-reassign"),
    "navixy-sub-user-may-write": ("sub-user", "navixy.auth-sub-user-rights"),
    "navixy-ended-hash-code-3": ("ended session", "navixy.auth-ended-session"),
    "navixy-read-any-sandbox": ("isolation", "navixy.isolation"),
    "navixy-not-found-http-404": ("isolation", "navixy.error-envelope"),
}


def test_every_planted_fault_has_the_check_that_catches_it() -> None:
    assert set(CAUGHT_BY) == set(FAULTS) and len(FAULTS) >= 6


@pytest.mark.parametrize("name", CHECKS)
def test_the_clean_mock_passes_the_check(name: str) -> None:
    mock = _mock()
    with mock.client:
        CHECKS[name](*_clients(mock))


@pytest.mark.parametrize("fault", CAUGHT_BY)
def test_a_planted_fault_is_caught_under_its_rule(fault: str) -> None:
    check, rule_id = CAUGHT_BY[fault]
    mock = _mock(fault)
    with mock.client, pytest.raises(RuleViolation) as caught:
        CHECKS[check](*_clients(mock))
    assert caught.value.rule_id == rule_id, caught.value
