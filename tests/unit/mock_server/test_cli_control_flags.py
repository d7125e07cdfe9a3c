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
