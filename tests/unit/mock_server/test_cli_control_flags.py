"""The mock-control flags of `minbil-mock` become Settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_server.cli import banner, parse_args, settings_from
from mock_server.injection.config import FaultConfigError


def test_control_flags_become_settings(tmp_path: Path) -> None:
    faults = tmp_path / "faults.yaml"
    faults.write_text('faults: ["getVehicles: delay=10ms"]\nregistry: {outage: true}\n', encoding="utf-8")
    args = parse_args(
        [
            "--scenario", "one-car", "--fault", "linkVehicle: error=0.1:503", "--faults", str(faults),
            "--registry-fault", "quota-status=422", "--registry-fault", "scrapped=BT57225",
            "--state", str(tmp_path / "s.sqlite"), "--journal-size", "50", "--seed", "9",
        ]
    )  # fmt: skip
    settings = settings_from(args)
    assert settings.scenario == "one-car" and settings.seed == 9 and settings.journal_size == 50
    assert settings.fault_rules == ("getVehicles: delay=10ms", "linkVehicle: error=0.1:503")
    assert settings.registry_faults.outage and settings.registry_faults.quota_status == 422
    assert settings.registry_faults.scrapped_plates == frozenset({"BT57225"})
    assert settings.state_path == tmp_path / "s.sqlite"
    assert "/__mock/ui" in banner(settings, []) and "s.sqlite" in banner(settings, [])


def test_without_control_flags_the_mock_keeps_everything_in_memory_and_healthy() -> None:
    settings = settings_from(parse_args([]))
    assert settings.state_path is None and settings.fault_rules == () and not settings.registry_faults.active


def test_a_fault_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    faults = tmp_path / "faults.yaml"
    faults.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(FaultConfigError, match="mapping"):
        settings_from(parse_args(["--faults", str(faults)]))


def test_the_direct_path_is_on_unless_turned_off() -> None:
    assert settings_from(parse_args([])).direct_path
    assert not settings_from(parse_args(["--no-direct-path"])).direct_path


def test_the_shared_mock_flags_become_limits_and_the_admin_token() -> None:
    flags = [
        "--admin-token", "ops-1", "--max-sandboxes", "7", "--max-snapshots", "3",
        "--storage-budget-mb", "64", "--idle-expiry", "30m",
    ]  # fmt: skip
    settings = settings_from(parse_args(flags))
    assert settings.admin_token == "ops-1"
    assert (settings.limits.max_sandboxes, settings.limits.max_snapshots) == (7, 3)
    assert settings.limits.storage_budget_bytes == 64 * 1024 * 1024
    assert settings.limits.idle_expiry_seconds == 1800
    assert settings_from(parse_args(["--idle-expiry", "0"])).limits.idle_expiry_seconds is None
    defaults = settings_from(parse_args([]))
    assert defaults.admin_token is None and defaults.limits.idle_expiry_seconds == 24 * 3600


@pytest.mark.parametrize(
    "flags", [["--max-sandboxes", "0"], ["--storage-budget-mb", "lots"], ["--idle-expiry", "soon"],
              ["--idle-expiry", "-5m"]]
)  # fmt: skip
def test_a_limit_that_is_no_number_is_refused_in_one_line(flags: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse_args(flags)
    assert exit_.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_apis_names_the_apis_to_serve_and_refuses_unknown_ones() -> None:
    assert settings_from(parse_args([])).apis is None  # all of them
    assert settings_from(parse_args(["--apis", "carowner, registry"])).apis == frozenset(
        {"carowner", "registry"}
    )
    assert settings_from(parse_args(["--apis", "navixy,trimble"])).apis == frozenset({"navixy", "trimble"})
    with pytest.raises(ValueError, match="unknown API"):
        settings_from(parse_args(["--apis", "carowner,prism"]))


def test_the_banner_names_only_the_apis_served() -> None:
    every = banner(settings_from(parse_args([])), [("demo-kari", "Kari")])
    fleet_only = banner(settings_from(parse_args(["--apis", "navixy,trimble"])), [("demo-kari", "Kari")])
    assert "/api/co" in every and "/ws/no/vegvesen/" in every
    assert "/api/co" not in fleet_only and "/ws/no/vegvesen/" not in fleet_only
    assert "/docs" in fleet_only and "/__mock" in fleet_only


@pytest.mark.parametrize("url", ["postgresql://mock@db:5432/minbil", "postgres://db/minbil?sslmode=require"])
def test_a_database_url_as_state_is_the_shared_store(url: str) -> None:
    settings = settings_from(parse_args(["--state", url, "--workers", "3"]))
    assert (settings.state_url, settings.state_path, settings.workers) == (url, None, 3)
    assert "PostgreSQL (3 workers" in banner(settings, []) and "mock@db" not in banner(settings, [])


@pytest.mark.parametrize("state", [[], ["--state", "world.sqlite"]])
def test_workers_need_the_shared_store(state: list[str]) -> None:
    assert settings_from(parse_args(state)).workers == 1
    with pytest.raises(ValueError, match="--workers 2 needs --state postgresql://"):
        settings_from(parse_args([*state, "--workers", "2"]))
