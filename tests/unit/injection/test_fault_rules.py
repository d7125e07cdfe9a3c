"""The fault rule syntax and the injector's seeded decisions, without HTTP."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.domain.control_models import FaultRuleRecord
from mock_server.injection import FaultInjector, RuleError, parse_rule
from mock_server.injection.config import FaultConfigError, load_fault_file, registry_faults

OPERATIONS = {"getVehicles", "linkVehicle"}


def test_a_rule_reads_its_target_and_every_effect() -> None:
    rule = parse_rule("GET /api/co/vehicles: delay=uniform(100ms, 300ms) error=0.1:503 drop=1% malformed=0.5")
    assert rule.method == "GET" and rule.matches("GET", "/api/co/vehicles", None)
    assert not rule.matches("POST", "/api/co/vehicles", None)
    assert rule.delay is not None and (rule.delay.kind, rule.delay.first_s, rule.delay.second) == (
        "uniform",
        0.1,
        0.3,
    )
    assert (rule.error_rate, rule.error_status, rule.error_code) == (0.1, 503, "INJECTED_FAULT")
    assert (rule.drop_rate, rule.malformed_rate) == (0.01, 0.5)


def test_targets_are_operation_ids_or_paths_with_wildcards() -> None:
    by_id = parse_rule("linkVehicle: error=1:REGISTRY_UNAVAILABLE", OPERATIONS)
    assert by_id.matches("POST", "/anything", "linkVehicle") and (by_id.error_status, by_id.error_code) == (
        503,
        "REGISTRY_UNAVAILABLE",
    )
    wildcard = parse_rule("* /api/co/service-log/*: delay=1s")
    assert wildcard.matches("GET", "/api/co/service-log/list", None)
    template = parse_rule("PUT /api/co/vehicles/{reg}: delay=5ms")
    assert template.matches("PUT", "/api/co/vehicles/BT57225", None)
    assert not template.matches("PUT", "/api/co/vehicles/BT57225/x", None)


_METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE"])
_PATHS = st.lists(st.text("abcz-_.{}*0123456789", min_size=1, max_size=8), max_size=4).map(
    lambda segments: "/" + "/".join(segments)
)


@given(method=_METHODS, path=_PATHS, operation_id=st.sampled_from([None, *sorted(OPERATIONS)]))
def test_a_star_target_matches_any_request(method: str, path: str, operation_id: str | None) -> None:
    for text in ("*: delay=10ms", "* *: delay=10ms"):
        assert parse_rule(text, OPERATIONS).matches(method, path, operation_id)


@given(method=_METHODS, other=_METHODS, path=_PATHS)
def test_a_method_with_a_star_matches_that_method_on_any_path(method: str, other: str, path: str) -> None:
    rule = parse_rule(f"{method.lower()} *: error=1:503", OPERATIONS)
    assert rule.matches(method, path, None)
    assert rule.matches(other, path, None) == (other == method)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("GET /api/co/vehicles", "TARGET: EFFECT"),
        ("GET /api/co/vehicles: timeout=5s", "unknown effect"),
        ("getVehicle: delay=5ms", "known operationId"),
        ("FETCH /x: delay=5ms", "method and a path"),
        ("/x: delay=5", "ms or s"),
        ("/x: delay=uniform(3s,1s)", "above the high end"),
        ("/x: delay=lognormal(100ms,9)", "sigma"),
        ("/x: delay=2min", "ms or s"),
        ("/x: delay=90s", "longer than"),
        ("/x: error=2:503", "above 1"),
        ("/x: error=0.1:200", "between 400 and 599"),
        ("/x: error=0.1:NO_SUCH_CODE", "problem code"),
        ("/x: drop=often", "number from 0 to 1"),
        ("/x: delay=1ms delay=2ms", "twice"),
        ("/x: ", "at least one effect"),
    ],
)
def test_a_rule_that_cannot_be_read_says_why(text: str, reason: str) -> None:
    with pytest.raises(RuleError, match=reason):
        parse_rule(text, OPERATIONS)


@settings(max_examples=100)
@given(low=st.integers(0, 5000), extra=st.integers(0, 5000), seed=st.integers(0, 1000))
def test_uniform_delays_stay_within_their_bounds(low: int, extra: int, seed: int) -> None:
    rule = parse_rule(f"/x: delay=uniform({low}ms,{low + extra}ms)")
    assert rule.delay is not None
    assert low / 1000 <= rule.delay.sample(random.Random(seed)) <= (low + extra) / 1000


@settings(max_examples=50)
@given(median=st.integers(1, 2000), sigma=st.floats(0.05, 3))
def test_log_normal_delays_are_positive_and_capped(median: int, sigma: float) -> None:
    rule = parse_rule(f"/x: delay=lognormal({median}ms,{sigma:.2f})")
    assert rule.delay is not None
    samples = [rule.delay.sample(random.Random(n)) for n in range(20)]
    assert all(0 < s <= 60 for s in samples)


def _decisions(
    injector: FaultInjector, token: str, own: list[FaultRuleRecord], count: int
) -> list[str | None]:
    return [
        injector.decide("GET", "/api/co/vehicles", "getVehicles", token, own).action for _ in range(count)
    ]


def test_the_same_seed_gives_the_same_faults_and_another_seed_others() -> None:
    rule = "GET /api/co/vehicles: error=0.3:503 drop=0.1"
    runs = [_decisions(FaultInjector([rule], seed, OPERATIONS), "t", [], 60) for seed in (7, 7, 8)]
    assert runs[0] == runs[1] != runs[2]
    assert {"error", None} <= set(runs[0])


def test_a_sandboxs_rules_apply_only_to_its_token_and_come_first() -> None:
    injector = FaultInjector(["GET /api/co/vehicles: error=1:500"], 0, OPERATIONS)
    own = [FaultRuleRecord("rule-1", "getVehicles: error=1:404", 0, datetime.now(UTC))]
    decided = injector.decide("GET", "/api/co/vehicles", "getVehicles", "mine", own)
    assert decided.rule is not None and decided.rule.error_status == 404
    other = injector.decide("GET", "/api/co/vehicles", "getVehicles", "theirs", [])
    assert other.rule is not None and other.rule.error_status == 500


def test_delays_of_every_matching_rule_add_up() -> None:
    injector = FaultInjector(["/api/co/*: delay=10ms", "GET /api/co/vehicles: delay=20ms"], 0, OPERATIONS)
    assert injector.decide("GET", "/api/co/vehicles", "getVehicles", None, []).delay_s == pytest.approx(0.03)


def test_a_fault_file_gives_rules_and_registry_faults(tmp_path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text(
        'faults:\n  - "linkVehicle: error=5%:REGISTRY_UNAVAILABLE"\n'
        "registry:\n  quota_exhausted: true\n  quota_status: 422\n",
        encoding="utf-8",
    )
    rules, registry = load_fault_file(path)
    faults = registry_faults(registry, ["slow=800ms", "scrapped=bt 57225"])
    assert rules == ["linkVehicle: error=5%:REGISTRY_UNAVAILABLE"]
    assert (faults.quota_exhausted, faults.quota_status, faults.delay_ms) == (True, 422, 800)
    assert faults.scrapped_plates == frozenset({"BT57225"})


@pytest.mark.parametrize("flag", ["quota-status=500", "slow=fast", "scrapped", "meltdown"])
def test_a_registry_fault_flag_that_cannot_be_read_is_refused(flag: str) -> None:
    with pytest.raises(FaultConfigError):
        registry_faults({}, [flag])
