"""The WireMock peer's stubs, the workers section's plan and ratios, and how both are reported."""

from __future__ import annotations

import base64
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks import run, wiremock, workers, wrk
from benchmarks.measurement import Measurement
from benchmarks.report import ScenarioRow, wiremock_table, wiremock_verdict
from benchmarks.scenarios import SCENARIOS

DETAILS = next(s for s in SCENARIOS if s.name == "vehicle details")
NAVIXY = next(s for s in SCENARIOS if s.service == "navixy")
HEADER_NAMES = st.sampled_from(
    ["content-type", "x-request-id", "vary", "content-length", "date", "server", "connection", "Set-Cookie"]
)


@given(
    headers=st.lists(st.tuples(HEADER_NAMES, st.text("abc123 /;=", max_size=12)), max_size=8),
    body=st.binary(max_size=64),
    status=st.integers(200, 599),
)
def test_a_stub_answers_the_recorded_status_body_bytes_and_every_end_to_end_header(
    headers: list[tuple[str, str]], body: bytes, status: int
) -> None:
    stub = wiremock.stub(wiremock.RecordedAnswer(DETAILS, status, tuple(headers), body))
    response = stub["response"]
    assert isinstance(response, dict)
    assert response["status"] == status
    assert base64.b64decode(response["base64Body"]) == body
    kept = [(name, value) for name, value in headers if name not in {"date", "server", "connection"}]
    written = [
        (name, value)
        for name, values in response["headers"].items()
        for value in (values if isinstance(values, list) else [values])
    ]
    assert sorted(written) == sorted(kept)


def test_a_stub_matches_the_same_method_url_and_credential_and_a_post_its_json_body() -> None:
    get = wiremock.stub(wiremock.RecordedAnswer(DETAILS, 200, (), b"{}"))["request"]
    assert get == {
        "method": "GET",
        "url": "/api/co/vehicles?registration_number=BT57225",
        "headers": {"Authorization": {"equalTo": "Bearer demo-kari"}},
    }
    post = wiremock.stub(wiremock.RecordedAnswer(NAVIXY, 200, (), b"{}"))["request"]
    assert isinstance(post, dict)
    assert post["url"] == NAVIXY.path and "headers" not in post
    assert post["bodyPatterns"] == [{"equalToJson": (NAVIXY.body or b"").decode()}]


def test_the_stub_root_holds_one_mapping_per_answer(tmp_path: Path) -> None:
    answers = [
        wiremock.RecordedAnswer(s, 200, (("content-type", "application/json"),), b"[]") for s in SCENARIOS
    ]
    path = wiremock.write_root(tmp_path, answers)
    assert path.parent == tmp_path / "mappings" and (tmp_path / "__files").is_dir()
    mappings = json.loads(path.read_text())["mappings"]
    assert [m["request"]["url"] for m in mappings] == [s.path for s in SCENARIOS]


def test_wiremock_runs_at_its_fast_setting_with_the_jvm_flags_before_the_jar() -> None:
    argv = wiremock.server_argv(Path("/stubs"), 9999, jar=Path("/w.jar"))
    assert argv[0] == "java" and argv.index("-Xms256m") < argv.index("-jar") < argv.index("/w.jar")
    assert "--no-request-journal" in argv and "--disable-request-logging" in argv
    assert argv[argv.index("--root-dir") + 1] == "/stubs" and argv[argv.index("--port") + 1] == "9999"


def _row(ours_rate: float, theirs_rate: float, *, held: bool, theirs_bytes: int = 10) -> ScenarioRow:
    ours = Measurement(ours_rate, 1, 5, 100, cpu_us_per_request=100)
    theirs = Measurement(theirs_rate, 1, 4, 100, cpu_us_per_request=80)
    return ScenarioRow("s", True, ours, None, 10, 0, theirs, theirs_bytes, held)


def test_a_carowner_get_below_wiremock_is_not_met_and_other_scenarios_are_only_reported() -> None:
    assert wiremock_verdict(_row(900, 1000, held=True)) == "≥ 1.0x: NOT MET"
    assert wiremock_verdict(_row(1000, 1000, held=True)) == "≥ 1.0x: met"
    assert wiremock_verdict(_row(500, 1000, held=False)) == "reported"
    assert (
        wiremock_verdict(_row(1000, 900, held=True, theirs_bytes=9)) == "≥ 1.0x: met; bodies differ in size"
    )


def test_the_wiremock_table_gives_the_rate_and_per_core_ratios() -> None:
    table = wiremock_table([_row(1500, 1000, held=True)])
    assert "| s | 1,500 / 1,000 | 1.50x | 5.00 / 4.00 | 100 / 80 | 0.80x | 10 / 10 | ≥ 1.0x: met |" in table


def test_one_process_setups_keep_the_servers_core_and_two_workers_get_every_core() -> None:
    memory, shared, two = workers.plan((0, 1), "1", "0")
    assert (memory.server_cpus, memory.load_cpus, memory.mock_flags("pg://x")) == ("1", "0", [])
    assert shared.mock_flags("pg://x") == ["--state", "pg://x"]
    assert (two.server_cpus, two.load_cpus) == ("0,1", "0,1")
    assert two.mock_flags("pg://x") == ["--state", "pg://x", "--workers", "2"]
    assert workers.plan((0,), None, None)[2].server_cpus is None


def _result(
    setup: workers.Setup, rate: float, cpu: float = 100, store: float | None = None
) -> workers.SetupResult:
    measured = Measurement(rate, 1, 2, 10, cpu_us_per_request=cpu, store_cpu_us_per_request=store)
    return workers.SetupResult(setup, {"vehicles list": measured}, 0.5)


def test_the_ratios_are_held_to_their_targets_and_two_cores_are_said_to_fall_short() -> None:
    memory, shared, two = workers.plan((0, 1), "1", "0")
    results = [_result(memory, 1000), _result(shared, 850, 110, 40), _result(two, 1300, 120, 40)]
    rows = workers.ratio_rows(results, cores=2)
    assert [(comparison.split(",")[:2], round(ratio or 0, 3)) for _, comparison, ratio, _ in rows] == [
        (["shared store / in memory", " 1 process on 1 core"], 0.85),
        (["shared store / in memory", " per CPU second (server's and PostgreSQL's)"], 0.667),
        (["2 workers / 1 process", " shared store"], 1.529),
    ]
    assert [verdict for *_, verdict in rows[:2]] == ["≥ 0.8x: met", "≥ 0.8x: NOT MET"]
    assert rows[2][3].startswith("≥ 1.6x: NOT MET (2 cores shared with the load generator")
    assert workers.ratio_rows(results, cores=8)[2][3] == "≥ 1.6x: NOT MET"
    text = workers.section(results, 2, "15.2")
    assert (
        "PostgreSQL 15.2" in text
        and "| vehicles list | 2 workers, shared PostgreSQL store | 1,300 | 1.00 | 2.00 | 120 | 40 |" in text
    )


def test_the_dry_run_shows_wiremock_and_the_workers_and_each_can_be_left_out() -> None:
    def plan(*flags: str) -> str:
        out = io.StringIO()
        with redirect_stdout(out):
            assert run.main(["--dry-run", "--quick", *flags]) == 0
        return out.getvalue()

    full = plan()
    assert "--no-request-journal" in full and "held to ≥ 1.0x WireMock: vehicles list" in full
    assert "2 workers, shared PostgreSQL store:" in full and "--workers 2" in full
    bare = plan("--no-wiremock", "--skip-workers")
    assert "WireMock" not in bare and "--workers 2" not in bare


def test_wrk_is_left_alone_when_present_and_not_installed_without_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(wrk, "available", lambda: True)
    assert wrk.ensure_installed() is None
    monkeypatch.setattr(wrk, "available", lambda: False)
    monkeypatch.setattr(wrk.os, "geteuid", lambda: 1000)
    assert "apt-get as root" in (wrk.ensure_installed() or "")
    assert not wrk.can_install(is_root=False)


def test_a_setups_database_is_made_and_dropped_and_its_backends_cpu_is_read() -> None:
    psycopg = pytest.importorskip("psycopg")
    try:
        version = workers.server_version()
    except workers.PostgresUnavailable as error:
        pytest.skip(f"no PostgreSQL at {workers.ADMIN_URL}: {error}")
    assert version[0].isdigit()
    with workers.database() as db:
        with psycopg.connect(db.url) as client:
            client.execute("SELECT 1").fetchone()
            assert db.backends_cpu_s() >= 0.0
            exists = db.admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db.name,))
            assert exists.fetchone() == (1,)
        admin = db.admin
    with psycopg.connect(workers.ADMIN_URL, autocommit=True) as check:
        gone = check.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (db.name,)).fetchone()
    assert gone == (0,) and admin.closed


def test_no_postgresql_is_a_clear_error_not_a_crash() -> None:
    with pytest.raises(workers.PostgresUnavailable):
        workers.server_version("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(workers.PostgresUnavailable), workers.database("postgresql://nobody@127.0.0.1:1/none"):
        pass


def test_a_short_jit_warm_up_is_said_to_give_a_cold_jvms_figures() -> None:
    assert run.cold_jvm_warning(wiremock.JIT_WARMUP_S) is None
    assert "cold" in (run.cold_jvm_warning(1.0) or "")
    assert run.parse_args(["--quick"]).jvm_warmup == wiremock.JIT_WARMUP_S


def test_the_report_gives_the_wiremock_comparison_its_flags_and_the_workers_section() -> None:
    args = run.parse_args(["--quick"])
    findings = run.Findings(
        [_row(1500, 1000, held=True)], [("ours", 0.9, 100.0)], [("ours", 110.0)], ["a note"]
    )
    peers = run.Peers(prism=None, wiremock="3.13.2", java="openjdk 17")
    report = run.render(
        args,
        run.Layout("1", "0", (0, 1)),
        peers,
        findings,
        [],
        "",
        ["## Workers section"],
        command_line=["--quick"],
    )
    assert "### Ours against WireMock's static stubs, on the same core" in report
    assert " ".join(wiremock.WIREMOCK_FLAGS) in report and "cold" not in report
    assert "| s | 1,500 / 1,000 | 1.50x |" in report
    assert report.index("## Workers section") < report.index("Notes:") < report.index("- a note")
    assert "`.venv/bin/python benchmarks/run.py --quick`" in report
    no_wiremock = run.Findings([_row(1, 1, held=True)], [], [], [])
    no_wiremock.rows[0] = ScenarioRow("s", True, Measurement(1, 1, 1), None)
    assert "WireMock's static stubs" not in run.render(
        args, run.Layout(None, None), run.Peers(), no_wiremock, [], ""
    )


def test_the_jit_warm_up_runs_its_minimum_then_stops_once_two_slices_agree() -> None:
    def slices(rates: list[float]) -> tuple[list[float], list[float]]:
        asked: list[float] = []
        queue = iter(rates)

        def run_slice(seconds: float) -> float:
            asked.append(seconds)
            return next(queue)

        return wiremock.warm_until_steady(run_slice, minimum_s=4.0), asked

    assert slices([900, 1000, 3000, 3100, 9999])[0] == [900, 1000, 3000, 3100]
    assert slices([1000, 1000, 1000])[0] == [1000, 1000]  # steady, and the 4 s minimum spent
    done, asked = slices([1000 * 1.5**n for n in range(100)])  # never steady
    assert sum(asked) == wiremock.JIT_WARMUP_MAX_S and len(done) == len(asked)
