#!/usr/bin/env python3
"""Benchmark the MinBil mock against Prism (-v silent) and WireMock's static stubs, side by side,
then one process in memory against one and two workers on the shared PostgreSQL store.

    .venv/bin/python benchmarks/run.py            # full run, about twelve minutes
    .venv/bin/python benchmarks/run.py --quick    # one short round, for a first look
    .venv/bin/python benchmarks/run.py --dry-run  # print what would run, start nothing

Servers are pinned to the last core, the load generator to core 0 (two workers get both cores,
shared with the load generator). Rounds alternate between the peers; each figure in the table is
the median over the rounds. The Markdown report goes to stdout (and --output), progress to
stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import prism, pyload, scaling, servers, wiremock, workers, wrk
from benchmarks.measurement import Measurement, median_of
from benchmarks.report import (
    ScenarioRow,
    load_table,
    machine_lines,
    scaling_table,
    startup_table,
    wiremock_table,
)
from benchmarks.scenarios import DEMO_TOKEN, READY_PROBE, Scenario, select

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
REGISTRY_SPEC = ROOT / "mock_server" / "vegvesen" / "vegvesen.yaml"
# The other APIs' specs, by Scenario.service: each needs a Prism of its own.
SERVICE_SPECS = {
    "registry": REGISTRY_SPEC,
    "trimble": ROOT / "mock_server" / "packs" / "trimble" / "openapi.yaml",
    "navixy": ROOT / "mock_server" / "packs" / "navixy" / "openapi.yaml",
}
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py", description="MinBil mock vs Prism.")
    add = parser.add_argument
    add("--duration", type=float, default=5.0, help="seconds per measured run (default 5)")
    add("--rounds", type=int, default=3, help="alternating rounds per scenario (default 3)")
    add("--connections", type=int, default=32, help="keep-alive connections (default 32)")
    add("--warmup", type=float, default=2.0, help="unmeasured seconds per scenario and peer, first")
    add("--startup-samples", type=int, default=3, help="start-ups timed per server (median)")
    add("--scenarios", help="comma-separated words picking scenarios, e.g. 'list,registry'")
    add("--quick", action="store_true", help="one 2 s round, one start-up sample, 1 s warm-up")
    add("--no-prism", action="store_true", help="leave Prism out")
    add("--no-wiremock", action="store_true", help="leave WireMock out")
    add(
        "--jvm-warmup",
        type=float,
        default=wiremock.JIT_WARMUP_S,
        help=f"least warm-up seconds per scenario for WireMock's JIT, then until steady (default "
        f"{wiremock.JIT_WARMUP_S:g})",
    )
    add("--skip-workers", action="store_true", help="skip 1 process in memory vs 1 and 2 on PostgreSQL")
    add("--python-load", action="store_true", help="use the Python load generator even if wrk exists")
    add("--skip-contracts", action="store_true", help="do not time the contract suite")
    add("--contracts-profile", default="quick", help="minbil-contracts profile to time (default quick)")
    add("--skip-scaling", action="store_true", help="skip the 10 vs 10,000 entries comparison")
    add(
        "--mock-flag",
        action="append",
        default=[],
        metavar="FLAG",
        help="extra flag for our mock (repeatable), e.g. --mock-flag=--no-direct-path",
    )
    add("--output", type=Path, help="also write the Markdown report to this file")
    add("--dry-run", action="store_true", help="print the plan and commands; start nothing")
    args = parser.parse_args(argv)
    if args.quick:
        # WireMock's JIT warm-up stays: a cold JVM answers a fraction of what it answers warm.
        args.duration, args.rounds, args.startup_samples, args.warmup = 2.0, 1, 1, 1.0
    if args.rounds < 1 or args.duration < 1 or args.connections < 1 or args.startup_samples < 1:
        parser.error("--rounds, --duration, --connections and --startup-samples must be at least 1")
    if args.jvm_warmup < 0 or args.warmup < 0:
        parser.error("--warmup and --jvm-warmup cannot be negative")
    return args


@dataclass(frozen=True)
class Layout:
    """Which core runs the servers and which the load generator; None means unpinned."""

    server_cpu: str | None
    load_cpu: str | None
    cpus: tuple[int, ...] = ()

    @staticmethod
    def detect() -> Layout:
        cpus = tuple(sorted(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else ()
        if shutil.which("taskset") and len(cpus) >= 2:
            return Layout(server_cpu=str(cpus[-1]), load_cpu=str(cpus[0]), cpus=cpus)
        return Layout(None, None, cpus)

    def for_setup(self, setup: workers.Setup) -> Layout:
        return Layout(setup.server_cpus, setup.load_cpus, self.cpus)

    def describe(self) -> str:
        if self.server_cpu is None:
            return "not pinned (taskset or a second core is missing): figures are noisier"
        return f"each server pinned to CPU {self.server_cpu}, the load generator to CPU {self.load_cpu}"


@dataclass(frozen=True)
class Peer:
    """One side of the comparison: the servers answering its API and its registry."""

    name: str
    services: dict[str, servers.RunningServer]  # by Scenario.service; ours serves them all
    store_cpu_s: Callable[[], float] | None = None  # CPU time its database's backends used so far

    def server_for(self, scenario: Scenario) -> servers.RunningServer:
        return self.services[scenario.service]

    def url_for(self, scenario: Scenario) -> str:
        return self.server_for(scenario).base_url + scenario.path_on(self.name)


def mock_argv(port: int, extra: Sequence[str] = ()) -> list[str]:
    script = Path(sys.executable).parent / "minbil-mock"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "mock_server.cli"]
    return [*base, "--port", str(port), *extra]


def contracts_argv(base_url: str, profile: str) -> list[str] | None:
    script = Path(sys.executable).parent / "minbil-contracts"
    if not script.exists():
        return None
    return [
        *(str(script), "run", "--base-url", base_url, "--token", DEMO_TOKEN, "--second-token", "demo-ola"),
        *("--registry-url", base_url, "--profile", profile, "--seed", "6", "--quiet"),
    ]


def use_wrk(args: argparse.Namespace) -> bool:
    return wrk.available() and not args.python_load


def load_generator_name(args: argparse.Namespace) -> str:
    if use_wrk(args):
        return f"wrk, 1 thread, {args.connections} keep-alive connections"
    reason = "forced by --python-load" if args.python_load else "wrk is missing (apt-get install wrk)"
    return (
        f"Python load generator ({reason}), {args.connections} connections: it saturates before fast "
        "servers do, so it understates them"
    )


def progress(message: str) -> None:
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def dry_run(args: argparse.Namespace, scenarios: Sequence[Scenario], layout: Layout) -> str:
    pin = servers.pin_prefix(layout.server_cpu)
    lines = [
        "# Dry run: nothing started",
        "",
        f"- {layout.describe()}",
        f"- load generator: {load_generator_name(args)}",
        *(
            [f"- wrk is missing: first `{shlex.join(wrk.APT_INSTALL)}` (as root; apt-get update if needed)"]
            if not wrk.available() and not args.python_load and wrk.can_install(os.geteuid() == 0)
            else []
        ),
        f"- ours:  {shlex.join([*pin, *mock_argv(5000, args.mock_flag)])}",
    ]
    if not args.no_prism:
        lines += [
            f"- Prism install (first run): (cd benchmarks && {shlex.join(prism.install_command())})",
            f"- Prism: {shlex.join([*pin, *prism.mock_argv(SPEC, 4010)])}",
        ]
        needed = [service for service in SERVICE_SPECS if any(s.service == service for s in scenarios)]
        for port, service in enumerate(needed, start=4011):
            lines.append(
                f"- Prism {service}: {shlex.join([*pin, *prism.mock_argv(SERVICE_SPECS[service], port)])}"
            )
    if not args.no_wiremock:
        held = [s.name for s in scenarios if held_to_wiremock(s)]
        lines += [
            f"- WireMock {wiremock.pinned_version()} (the npm package's jar, same install): "
            f"{shlex.join([*pin, *wiremock.server_argv(Path('<stubs>'), 8080)])}",
            "  - stubs: our mock's answer to each scenario (status, headers, body bytes), recorded at "
            f"start; JIT warm-up per scenario first: {jit_warmup_words(args.jvm_warmup)}",
            f"  - held to ≥ 1.0x WireMock: {', '.join(held) or 'none'}",
        ]
    peers = 1 + (not args.no_prism) + (not args.no_wiremock)
    lines.append(
        f"- {args.rounds} round(s) x {len(scenarios)} scenario(s) x {args.duration:g} s per peer "
        f"({peers} peers)"
    )
    for scenario in scenarios:
        script = Path("<lua>") if wrk.lua_script(scenario) else None
        url = f"http://127.0.0.1:5000{scenario.path_on('ours')}"
        cmd = wrk.command(
            scenario,
            url,
            seconds=args.duration,
            connections=args.connections,
            script=script,
            cpu=layout.load_cpu,
        )
        lines.append(f"  - {scenario.name}: {shlex.join(cmd)}")
    if not args.skip_workers:
        lines += workers_plan_lines(args, scenarios, layout)
    if not args.skip_contracts:
        contracts = contracts_argv("http://127.0.0.1:5000", args.contracts_profile)
        lines.append(f"- contract suite: {shlex.join(contracts) if contracts else 'skipped (not installed)'}")
    if not args.skip_scaling:
        lines.append(
            f"- in-process: service-log pages, sandboxes of {scaling.SMALL} and {scaling.LARGE:,} entries"
        )
    return "\n".join(lines)


def held_to_wiremock(scenario: Scenario) -> bool:
    """The CarOwner GETs: a static stub can answer them as they are, so they are held to 1.0x."""
    return scenario.service == "api" and scenario.is_get


def workers_scenarios(scenarios: Sequence[Scenario]) -> list[Scenario]:
    return [s for s in scenarios if held_to_wiremock(s)]


def workers_plan_lines(args: argparse.Namespace, scenarios: Sequence[Scenario], layout: Layout) -> list[str]:
    gets = workers_scenarios(scenarios)
    if not gets:
        return ["- workers and the shared store: skipped (no CarOwner GET among the scenarios)"]
    lines = [
        f"- workers and the shared store ({workers.ADMIN_URL}: a database made per setup, dropped after); "
        f"{args.rounds} alternating round(s) x {len(gets)} GET(s) x {args.duration:g} s per setup:"
    ]
    for setup in workers.plan(layout.cpus, layout.server_cpu, layout.load_cpu):
        flags = setup.mock_flags("postgresql://…/minbil_bench_XXXX")
        argv = [*servers.pin_prefix(setup.server_cpus), *mock_argv(5000, [*args.mock_flag, *flags])]
        load = f"load generator on CPU {setup.load_cpus}" if setup.load_cpus else "load generator unpinned"
        lines.append(f"  - {setup.label}: {shlex.join(argv)} ({load})")
    return lines


class LoadDriver:
    """Runs one measured load with wrk (or the Python generator when wrk is missing)."""

    def __init__(self, args: argparse.Namespace, layout: Layout, workdir: Path) -> None:
        self._args = args
        self._layout = layout
        self._workdir = workdir
        self.load_cpu_s = 0.0  # the load generator's own CPU time, and the wall time it ran
        self.load_wall_s = 0.0

    def run(self, scenario: Scenario, peer: Peer, seconds: float) -> Measurement:
        server = peer.server_for(scenario)
        cpu_before = server.cpu_s()
        store_before = peer.store_cpu_s() if peer.store_cpu_s else 0.0
        children_before = _children_cpu_s()
        started = time.perf_counter()
        measured = self._drive(scenario, peer.url_for(scenario), seconds)
        self.load_wall_s += time.perf_counter() - started
        self.load_cpu_s += _children_cpu_s() - children_before
        store = peer.store_cpu_s() - store_before if peer.store_cpu_s else None
        return measured.with_cpu(server.cpu_s() - cpu_before, store)

    def _drive(self, scenario: Scenario, url: str, seconds: float) -> Measurement:
        if not use_wrk(self._args):
            return pyload.run(scenario, url, seconds=seconds, connections=self._args.connections)
        script_text = wrk.lua_script(scenario)
        script = None
        if script_text is not None:
            script = self._workdir / f"{scenario.method.lower()}.lua"
            script.write_text(script_text)
        cmd = wrk.command(
            scenario,
            url,
            seconds=seconds,
            connections=self._args.connections,
            script=script,
            cpu=self._layout.load_cpu,
        )
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=seconds + 60)
        return wrk.parse(result.stdout + result.stderr)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_timed(
    name: str,
    argv_for: Callable[[int], list[str]],
    layout: Layout,
    logs: Path,
    samples: int,
    probe: Scenario = READY_PROBE,
) -> tuple[servers.RunningServer, list[float]]:
    """Start a server `samples` times; keep the last one running. Returns it and every start-up time."""
    times: list[float] = []
    for sample in range(samples):
        port = servers.free_port()
        server = servers.start(
            name,
            [*servers.pin_prefix(layout.server_cpu), *argv_for(port)],
            port=port,
            probe=probe,
            probe_path=probe.path_on(name),
            log_dir=logs,
            cwd=ROOT,
        )
        times.append(server.startup_s)
        progress(f"{name} answered after {server.startup_s:.2f} s, RSS {server.rss_after_startup_mb:.0f} MiB")
        if sample < samples - 1:
            server.stop()
    return server, times


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def measure_load(
    driver: LoadDriver | Mapping[str, LoadDriver],
    scenarios: Sequence[Scenario],
    peers: Sequence[Peer],
    args: argparse.Namespace,
) -> dict[tuple[str, str], list[Measurement]]:
    """Warm every peer up, then alternate rounds; a Mapping gives each peer (by name) its driver."""

    def driver_for(peer: Peer) -> LoadDriver:
        return driver[peer.name] if isinstance(driver, Mapping) else driver

    for peer in peers:
        if peer.name == "wiremock" and args.jvm_warmup > 0:
            for scenario in scenarios:
                rates = wiremock.warm_until_steady(
                    lambda seconds, s=scenario, p=peer: driver_for(p).run(s, p, seconds).requests_per_s,
                    args.jvm_warmup,
                )
                shown = ", ".join(f"{rate:,.0f}" for rate in rates)
                progress(f"WireMock's JIT warm-up, {scenario.name}: {shown} req/s")
    for scenario in scenarios:
        for peer in peers:
            driver_for(peer).run(scenario, peer, args.warmup)
    rounds: dict[tuple[str, str], list[Measurement]] = {}
    for number in range(args.rounds):
        order = list(peers) if number % 2 == 0 else list(peers)[::-1]
        for scenario in scenarios:
            for peer in order:
                measured = driver_for(peer).run(scenario, peer, args.duration)
                rounds.setdefault((scenario.name, peer.name), []).append(measured)
                progress(
                    f"round {number + 1} {scenario.name:<22} {peer.name:<8} {measured.requests_per_s:8,.0f} "
                    f"req/s  p50 {measured.p50_ms:6.2f} ms  p99 {measured.p99_ms:6.2f} ms"
                )
    return rounds


def time_contracts(layout: Layout, logs: Path, profile: str, mock_flags: Sequence[str] = ()) -> str:
    if contracts_argv("", profile) is None:
        return "Contract suite: skipped (`minbil-contracts` is not installed in this environment)."
    server, _ = start_timed("ours", lambda port: mock_argv(port, mock_flags), layout, logs, 1)
    try:
        cmd = contracts_argv(server.base_url, profile) or []
        started = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    outcome = "passed" if result.returncode == 0 else f"exit status {result.returncode}"
    command = f"minbil-contracts run --profile {profile}"
    return f"Contract suite (`{command}` against a fresh mock): {elapsed:.1f} s, {outcome}."


@dataclass
class Findings:
    rows: list[ScenarioRow]
    startup_rows: list[tuple[str, float | None, float | None]]
    rss_after: list[tuple[str, float]]
    notes: list[str]


def run_load(
    args: argparse.Namespace,
    scenarios: Sequence[Scenario],
    layout: Layout,
    workdir: Path,
    prism_version: str | None,
    notes: list[str],
    wiremock_version: str | None = None,
) -> Findings:
    running: list[tuple[str, servers.RunningServer]] = []
    try:
        ours, ours_startups = start_timed(
            "ours", lambda port: mock_argv(port, args.mock_flag), layout, workdir, args.startup_samples
        )
        running.append(("ours", ours))
        peers = [Peer("ours", {service: ours for service in {s.service for s in scenarios} | {"api"}})]
        startup_rows: list[tuple[str, float | None, float | None]] = [
            ("MinBil mock (ours, every API in one process)", median(ours_startups), ours.rss_after_startup_mb)
        ]
        if prism_version:
            api, prism_startups = start_timed(
                "prism", lambda port: prism.mock_argv(SPEC, port), layout, workdir, args.startup_samples
            )
            running.append(("Prism", api))
            startup_rows.append(
                ("Prism -v silent (openapi.yaml)", median(prism_startups), api.rss_after_startup_mb)
            )
            services = {"api": api}
            # Prism serves one spec per process: one more for each other API a scenario needs.
            for service, spec in SERVICE_SPECS.items():
                first = next((s for s in scenarios if s.service == service), None)
                if first is None:
                    continue
                other, _ = start_timed(
                    "prism", lambda port, spec=spec: prism.mock_argv(spec, port), layout, workdir, 1, first
                )
                running.append((f"Prism {service}", other))
                startup_rows.append(
                    (f"Prism -v silent ({spec.name} of {service}, another process)", None, other.rss_mb())
                )
                services[service] = other
            peers.append(Peer("prism", services))
        started_wiremock = None
        if wiremock_version:
            try:
                started_wiremock = start_wiremock(ours, scenarios, layout, workdir, args.startup_samples)
            except (OSError, servers.ServerStartError) as error:
                notes.append(f"WireMock not measured: {error}.")
                progress(notes[-1])
        if started_wiremock:
            stubbed, startups = started_wiremock
            running.append(("WireMock", stubbed))
            startup_rows.append(
                (
                    "WireMock --no-request-journal (static stubs)",
                    median(startups),
                    stubbed.rss_after_startup_mb,
                )
            )
            peers.append(
                Peer("wiremock", {service: stubbed for service in {s.service for s in scenarios} | {"api"}})
            )
        sizes = {(s.name, peer.name): servers.answer(peer.url_for(s), s) for s in scenarios for peer in peers}
        for (name, peer_name), (status, _) in sizes.items():
            if status is None or not 200 <= status < 300:
                notes.append(f"{peer_name} answered {status} to the '{name}' request before the load.")
        rounds = measure_load(LoadDriver(args, layout, workdir), scenarios, peers, args)
        rss_after = [(label, server.rss_mb()) for label, server in running]
    finally:
        for _, server in running:
            server.stop()
    rows = [
        ScenarioRow(
            scenario=s.name,
            is_get=s.is_get,
            ours=median_of(rounds[(s.name, "ours")]),
            prism=median_of(rounds[(s.name, "prism")]) if (s.name, "prism") in rounds else None,
            ours_bytes=sizes[(s.name, "ours")][1],
            prism_bytes=sizes.get((s.name, "prism"), (None, 0))[1],
            wiremock=median_of(rounds[(s.name, "wiremock")]) if (s.name, "wiremock") in rounds else None,
            wiremock_bytes=sizes.get((s.name, "wiremock"), (None, 0))[1],
            held_to_wiremock=held_to_wiremock(s),
        )
        for s in scenarios
    ]
    return Findings(rows, startup_rows, rss_after, notes)


def start_wiremock(
    ours: servers.RunningServer, scenarios: Sequence[Scenario], layout: Layout, workdir: Path, samples: int
) -> tuple[servers.RunningServer, list[float]]:
    """WireMock with a stub per scenario (and for the start-up probe): our mock's answers, recorded now."""
    wanted = [*scenarios, *([] if READY_PROBE in scenarios else [READY_PROBE])]
    answers = [wiremock.record(ours.base_url + s.path_on("ours"), s) for s in wanted]
    root = workdir / "wiremock"
    wiremock.write_root(root, answers)
    progress(f"WireMock stubs: {len(answers)} answers recorded from our mock into {root}")
    return start_timed("wiremock", lambda port: wiremock.server_argv(root, port), layout, workdir, samples)


def run_workers(
    args: argparse.Namespace, scenarios: Sequence[Scenario], layout: Layout, workdir: Path
) -> list[workers.SetupResult]:
    """The three setups started side by side, each on its own database, measured in alternating rounds."""
    gets = workers_scenarios(scenarios)
    setups = workers.plan(layout.cpus, layout.server_cpu, layout.load_cpu)
    with contextlib.ExitStack() as stack:
        peers, drivers = [], {}
        for setup in setups:
            db = stack.enter_context(workers.database()) if setup.shared_store else None
            flags = [*args.mock_flag, *setup.mock_flags(db.url if db else "")]
            server, _ = start_timed(
                setup.key,
                lambda port, flags=flags: mock_argv(port, flags),
                layout.for_setup(setup),
                workdir,
                1,
            )
            stack.callback(server.stop)
            peers.append(Peer(setup.key, {"api": server}, db.backends_cpu_s if db else None))
            drivers[setup.key] = LoadDriver(args, layout.for_setup(setup), workdir)
        rounds = measure_load(drivers, gets, peers, args)
    return [
        workers.SetupResult(
            setup,
            {s.name: median_of(rounds[(s.name, setup.key)]) for s in gets},
            drivers[setup.key].load_cpu_s / drivers[setup.key].load_wall_s
            if drivers[setup.key].load_wall_s
            else None,
        )
        for setup in setups
    ]


@dataclass(frozen=True)
class Peers:
    """Which peers this run has, and their versions (None: not run)."""

    prism: str | None = None
    wiremock: str | None = None
    java: str | None = None


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = select(args.scenarios)
    layout = Layout.detect()
    if args.dry_run:
        sys.stdout.write(dry_run(args, scenarios, layout) + "\n")
        return 0
    notes: list[str] = []
    if not args.python_load and not wrk.available():
        progress("wrk is missing: installing Debian's wrk (apt-get)")
        why_not = wrk.ensure_installed()
        if why_not:
            notes.append(f"wrk could not be installed: {why_not}.")
    if not use_wrk(args):
        notes.append(f"Load generator: {load_generator_name(args)}.")
        progress(notes[-1])
    peers = install_peers(args, notes)
    workers_results: list[workers.SetupResult] = []
    postgres_version = None
    with tempfile.TemporaryDirectory(prefix="minbil-bench-") as tmp:
        findings = run_load(args, scenarios, layout, Path(tmp), peers.prism, notes, peers.wiremock)
        if not args.skip_workers and workers_scenarios(scenarios):
            try:
                postgres_version = workers.server_version()
                workers_results = run_workers(args, scenarios, layout, Path(tmp))
            except workers.PostgresUnavailable as error:
                notes.append(f"Workers and the shared store not measured: no PostgreSQL ({error}).")
                progress(notes[-1])
            except servers.ServerStartError as error:
                notes.append(f"Workers and the shared store not measured: {error}.")
                progress(notes[-1])
        contracts_line = (
            ""
            if args.skip_contracts
            else time_contracts(layout, Path(tmp), args.contracts_profile, args.mock_flag)
        )
    scaling_results = [] if args.skip_scaling else scaling.measure()
    cores = len(layout.cpus) or os.cpu_count() or 1
    sections = [workers.section(workers_results, cores, postgres_version)] if workers_results else []
    report = render(args, layout, peers, findings, scaling_results, contracts_line, sections)
    sys.stdout.write(report)
    if args.output:
        args.output.write_text(report)
    return 0


def install_peers(args: argparse.Namespace, notes: list[str]) -> Peers:
    """Prism and WireMock come from one npm install under benchmarks/ (first run only)."""
    prism_version = wiremock_version = java = None
    if not args.no_prism:
        try:
            progress("checking the local Prism install (npm, first run only)")
            prism_version = prism.ensure_installed()
        except prism.PrismUnavailable as error:
            notes.append(f"Prism not measured: {error}.")
            progress(notes[-1])
    if not args.no_wiremock:
        try:
            wiremock_version = wiremock.ensure_installed(prism.install_command())
            java = wiremock.java_version()
        except wiremock.WireMockUnavailable as error:
            notes.append(f"WireMock not measured: {error}.")
            progress(notes[-1])
    return Peers(prism_version, wiremock_version, java)


def render(
    args: argparse.Namespace,
    layout: Layout,
    peers: Peers,
    findings: Findings,
    scaling_results: Sequence[scaling.ScalingResult],
    contracts_line: str,
    sections: Sequence[str] = (),
    command_line: Sequence[str] | None = None,
) -> str:
    command = shlex.join(["benchmarks/run.py", *(sys.argv[1:] if command_line is None else command_line)])
    parts = [
        "## Load: ours vs Prism -v silent and WireMock (ours with request and response validation on)",
        "",
        *machine_lines(peers.prism, load_generator_name(args), peers.wiremock, peers.java),
        f"- {layout.describe()}",
        f"- {args.rounds} alternating round(s) of {args.duration:g} s per scenario and peer after a "
        f"{args.warmup:g} s warm-up; medians over rounds",
        f"- command: `.venv/bin/python {command}`",
        "",
        load_table(findings.rows),
        "",
    ]
    if any(row.wiremock is not None for row in findings.rows):
        parts += [
            "### Ours against WireMock's static stubs, on the same core",
            "",
            f"WireMock {peers.wiremock} (`java {' '.join(wiremock.JVM_FLAGS)} -jar "
            f"wiremock-standalone.jar {' '.join(wiremock.WIREMOCK_FLAGS)}`), each stub our mock's own answer "
            f"(status, headers, body bytes) recorded at start; JIT warm-up per scenario before the regular "
            f"one: {jit_warmup_words(args.jvm_warmup)}. "
            "Held to ≥ 1.0x: the CarOwner GETs; the rest are reported."
            + (cold_jvm_warning(args.jvm_warmup) or ""),
            "",
            wiremock_table(findings.rows),
            "",
        ]
    parts += [
        startup_table(findings.startup_rows),
        "",
        "RSS after the load: " + ", ".join(f"{name} {mb:.0f} MiB" for name, mb in findings.rss_after) + ".",
        "",
    ]
    if scaling_results:
        parts += [
            "## Page cost against sandbox size (in-process, median of 300 alternating requests)",
            "",
            scaling_table(scaling_results),
            "",
        ]
    parts += [part for section in sections for part in (section, "")]
    if contracts_line:
        parts += [contracts_line, ""]
    if findings.notes:
        parts += ["Notes:", *[f"- {note}" for note in findings.notes], ""]
    return "\n".join(parts)


def jit_warmup_words(minimum_s: float) -> str:
    return (
        f"at least {minimum_s:g} s, then {wiremock.WARMUP_SLICE_S:g} s slices until two agree within "
        f"{wiremock.STEADY_WITHIN:.0%} (at most {wiremock.JIT_WARMUP_MAX_S:g} s)"
    )


def cold_jvm_warning(jvm_warmup_s: float) -> str | None:
    if jvm_warmup_s >= wiremock.JIT_WARMUP_S:
        return None
    return (
        f" WireMock's JIT was warmed for under {wiremock.JIT_WARMUP_S:g} s a scenario: these are a cold "
        "JVM's figures, not its best."
    )


def _reexec_in_venv() -> None:
    """A newcomer may type `python3 benchmarks/run.py`: switch to the project's venv if not in it."""
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])


if __name__ == "__main__":
    _reexec_in_venv()
    sys.exit(main())
