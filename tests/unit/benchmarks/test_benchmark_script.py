"""The benchmark script's pieces: reading wrk, building commands, combining rounds, the dry run."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from benchmarks import pyload, run, scaling, servers, wrk
from benchmarks.measurement import Measurement, median_of, percentile
from benchmarks.report import ScenarioRow, load_table, verdict
from benchmarks.scenarios import SCENARIOS, select

ROOT = Path(__file__).resolve().parents[3]

WRK_REPORT = """Running 5s test @ http://127.0.0.1:5000/api/co/vehicles
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.50ms    3.07ms  48.73ms   82.60%
    Req/Sec     2.61k   123.30     2.86k    84.00%
  Latency Distribution
     50%  850.00us
     75%   12.71ms
     90%   14.17ms
     99%    1.20s
  13015 requests in 5.01s, 16.32MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:   2597.31
Transfer/sec:      3.26MB
"""


def test_a_wrk_report_gives_rate_percentiles_in_ms_and_errors() -> None:
    measured = wrk.parse(WRK_REPORT)
    assert measured == Measurement(2597.31, 0.85, 1200.0, requests=13015, non_2xx=7, socket_errors=3)


def test_something_that_is_not_a_wrk_report_is_refused() -> None:
    with pytest.raises(wrk.WrkOutputError):
        wrk.parse("unable to connect to 127.0.0.1:5000 Connection refused")


def test_gets_need_no_script_and_a_put_sends_its_method_and_body() -> None:
    put = next(s for s in SCENARIOS if s.method == "PUT")
    assert wrk.lua_script(SCENARIOS[0]) is None
    script = wrk.lua_script(put) or ""
    assert 'wrk.method = "PUT"' in script
    assert '\\"message.new\\"' in script


def test_the_wrk_command_is_pinned_and_carries_every_header() -> None:
    put = next(s for s in SCENARIOS if s.method == "PUT")
    cmd = wrk.command(put, "http://h/x", seconds=5, connections=32, script=Path("put.lua"), cpu="0")
    assert cmd[:4] == ["taskset", "-c", "0", "wrk"]
    assert "Authorization: Bearer demo-kari" in cmd and "Content-Type: application/json" in cmd
    assert cmd[-3:] == ["-s", "put.lua", "http://h/x"]


def test_prism_serves_the_registry_without_its_base_path() -> None:
    registry = next(s for s in SCENARIOS if s.service == "registry")
    assert registry.path_on("ours").startswith("/ws/no/vegvesen/")
    assert registry.path_on("prism").startswith("/enkeltoppslag/kjoretoydata?kjennemerke=")
    assert SCENARIOS[0].path_on("prism") == SCENARIOS[0].path_on("ours")


def test_the_navixy_list_posts_the_fleet_owners_hash_to_its_own_prism_without_v2() -> None:
    from mock_server.packs.navixy.api import session_hash

    navixy = next(s for s in SCENARIOS if s.service == "navixy")
    assert navixy.method == "POST" and navixy.body is not None
    assert navixy.path_on("ours") == f"/v2/vehicle/list?hash={session_hash('demo-fleet')}"
    assert navixy.path_on("prism") == f"/vehicle/list?hash={session_hash('demo-fleet')}"
    assert ("Content-Type", "application/json") in navixy.all_headers()
    assert run.SERVICE_SPECS["navixy"].read_text().count("/vehicle/list:") == 1


def test_scenarios_are_picked_by_words_and_an_unknown_word_is_an_error() -> None:
    assert [s.name for s in select("registry,details")] == ["vehicle details", "registry lookup"]
    with pytest.raises(ValueError):
        select("nothing-like-this")


def test_rounds_combine_by_median_and_percentiles_by_nearest_rank() -> None:
    rounds = [Measurement(100, 1, 9, 10), Measurement(300, 3, 7, 10), Measurement(200, 2, 8, 10)]
    combined = median_of(rounds)
    assert (combined.requests_per_s, combined.p50_ms, combined.p99_ms, combined.requests) == (200, 2, 8, 30)
    assert percentile(list(range(1, 101)), 0.99) == 99
    assert Measurement(1, 1, 1, requests=4).with_cpu(0.002).cpu_us_per_request == pytest.approx(500)


def test_a_get_below_prism_is_flagged_and_a_put_is_only_reported() -> None:
    slow, fast = Measurement(900, 5, 50, 1), Measurement(1000, 4, 40, 1)
    assert verdict(ScenarioRow("list", True, slow, fast)) == "BELOW TARGET"
    assert verdict(ScenarioRow("list", True, fast, slow)) == "meets target"
    assert verdict(ScenarioRow("put", False, slow, fast)) == "reported"
    table = load_table([ScenarioRow("list", True, fast, slow, 10, 20)])
    assert "| list | 1,000 | 900 | 1.11x |" in table


def test_the_python_load_generator_writes_and_reads_http_1_1() -> None:
    put = next(s for s in SCENARIOS if s.method == "PUT")
    raw = pyload.request_bytes(put, "http://127.0.0.1:5000/api/co/settings/notifications?x=1")
    assert raw.startswith(b"PUT /api/co/settings/notifications?x=1 HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n")
    assert raw.endswith(b"\r\n\r\n" + (put.body or b""))

    async def read(data: bytes) -> int:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        return await pyload._read_response(reader)

    chunked = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    assert asyncio.run(read(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")) == 200
    assert asyncio.run(read(chunked)) == 404


def test_memory_and_cpu_of_a_process_tree_are_read_from_proc() -> None:
    assert servers.process_tree_rss_mb(os.getpid()) > 1
    assert servers.process_tree_cpu_s(os.getpid()) > 0


def test_a_dry_run_prints_the_plan_and_starts_nothing() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert run.main(["--dry-run", "--quick"]) == 0
    plan = out.getvalue()
    assert "Dry run: nothing started" in plan
    assert "-v silent" in plan and "wrk -t1 -c32 -d2s --latency" in plan
    assert plan.count(" wrk -t1 ") == len(SCENARIOS)


def test_the_script_runs_as_a_file_from_the_project_venv() -> None:
    script = str(ROOT / "benchmarks" / "run.py")
    argv = [sys.executable, script, "--dry-run", "--scenarios", "list", "--no-prism"]
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "service-log list page" in result.stdout and "Prism:" not in result.stdout


def test_the_sandbox_size_comparison_answers_every_query() -> None:
    results = scaling.measure(repeats=2, sizes=(2, 30))
    assert [r.query for r in results] == [name for name, _ in scaling.QUERIES]
    assert all(r.small_ms > 0 and r.large_ms > 0 for r in results)
