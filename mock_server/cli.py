"""`minbil-mock`: start the mock with its seeded demo world and print how to use it."""

from __future__ import annotations

import argparse
import gc
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

# Connexion imports Starlette's test client, which warns on every start; not the user's concern.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from .app import MockWorld, create_app, pack_credentials  # noqa: E402
from .domain.limits import MIB, SandboxLimits  # noqa: E402
from .injection import RuleError  # noqa: E402
from .injection.config import FaultConfigError, load_fault_file, registry_faults  # noqa: E402
from .packs.carowner.seeding import build_seeded_world  # noqa: E402
from .packs.installed import PACKS  # noqa: E402
from .server import PortError, listening_socket, serve  # noqa: E402
from .settings import DEFAULT_PORT, RealtimeSettings, Settings  # noqa: E402
from .store.serialise import StateVersionError  # noqa: E402
from .store.sqlite_state import SqliteState, StateFileError  # noqa: E402

STORE_ERRORS: tuple[type[Exception], ...] = (StateVersionError, StateFileError)


def is_database_url(value: str) -> bool:
    return value.startswith(("postgresql://", "postgres://"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="minbil-mock", description="Stateful mock of the MinBil CarOwner API."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fake world: same seed, same data")
    parser.add_argument("--no-demo", action="store_true", help="start without the demo users")
    parser.add_argument(
        "--registry-url",
        help="fetch vehicle data from this enkeltoppslag base URL instead of the built-in fake registry",
    )
    parser.add_argument("--registry-api-key", default="minbil-demo-apikey", help="API key for the registry")
    parser.add_argument(
        "--plant-fault",
        action="append",
        default=[],
        metavar="NAME",
        help="make the mock wrong in one known way, to check a contract suite catches it (repeatable): "
        + ", ".join(sorted(name for pack in PACKS for name in pack.faults or {})),
    )
    parser.add_argument(
        "--apis",
        metavar="NAMES",
        help="comma-separated APIs to serve (default: all: "
        + (",".join(pack.name for pack in PACKS) or "none installed")
        + ")",
    )
    controls = parser.add_argument_group("mock controls (see README: Mock controls)")
    controls.add_argument(
        "--scenario", metavar="NAME", help="build demo-kari's world from this scenario (fixtures/scenarios/)"
    )
    controls.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="RULE",
        help="fault/latency rule on every request (repeatable), "
        "e.g. 'GET /api/co/vehicles: delay=uniform(100ms,300ms) error=0.1:503'",
    )
    controls.add_argument(
        "--faults", type=Path, metavar="FILE", help="YAML file of fault rules and registry faults"
    )
    controls.add_argument(
        "--registry-fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="registry fault for everyone (repeatable): outage, quota, quota-status=422|429, "
        "slow=DURATION, unavailable=PLATE, scrapped=PLATE, deregistered=PLATE, owner-change=PLATE",
    )
    controls.add_argument(
        "--state",
        metavar="FILE|URL",
        help="keep every sandbox in this SQLite file across restarts, or in the PostgreSQL database of "
        "a postgresql:// URL that several mock processes share",
    )
    controls.add_argument(
        "--journal-size", type=int, default=200, metavar="N", help="requests kept per sandbox (default 200)"
    )
    controls.add_argument(
        "--no-build-process",
        action="store_true",
        help="build scenarios in a thread of the server process, not in a separate build process",
    )
    protocol = parser.add_argument_group("slow and dead clients")
    protocol.add_argument(
        "--request-timeout",
        type=_positive(float),
        default=30.0,
        metavar="SECONDS",
        help="a request's head, and then its body, must arrive within this time, or it is dropped "
        "(408 where an answer can still be given; default 30)",
    )
    protocol.add_argument(
        "--max-connections",
        type=_positive(int),
        default=1000,
        metavar="N",
        help="connections served at once; past it requests are answered 503 (default 1000)",
    )
    shared = parser.add_argument_group("a mock shared by a team (see README: Mock controls)")
    shared.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="operator token: sent as X-Mock-Admin-Token it lets a request delete or re-create the demo "
        "sandboxes and pass --max-sandboxes (default: none, nobody can)",
    )
    limits = SandboxLimits()
    shared.add_argument(
        "--max-sandboxes", type=_positive(int), default=limits.max_sandboxes, metavar="N",
        help=f"sandboxes the control API may make, demo users not counted (default {limits.max_sandboxes})",
    )  # fmt: skip
    shared.add_argument(
        "--max-snapshots", type=_positive(int), default=limits.max_snapshots, metavar="N",
        help=f"snapshots per sandbox (default {limits.max_snapshots})",
    )  # fmt: skip
    shared.add_argument(
        "--storage-budget-mb", type=_positive(int), default=limits.storage_budget_bytes // MIB, metavar="MIB",
        help="snapshots and uploaded images of all sandboxes together, in MiB "
        f"(default {limits.storage_budget_bytes // MIB})",
    )  # fmt: skip
    shared.add_argument(
        "--idle-expiry", type=_duration, default=limits.idle_expiry_seconds, metavar="DURATION",
        help="delete a sandbox no request has used for this long, e.g. 30m, 24h, 7d; 0 keeps them all "
        "(default 24h; the demo users never expire)",
    )  # fmt: skip
    shared.add_argument(
        "--workers", type=_positive(int), default=1, metavar="N",
        help="processes serving the port, all of this machine's cores for one mock; needs --state "
        "postgresql://… (default 1)",
    )  # fmt: skip
    parser.add_argument(
        "--no-direct-path",
        action="store_true",
        help="serve every request through Connexion's full pipeline: the same answers, about half "
        "the speed (to rule the direct path in or out when something looks wrong)",
    )
    parser.add_argument(
        "--no-reuse-answers",
        action="store_true",
        help="make every answer anew: by default a vehicle list or service-log page asked again "
        "with nothing changed since is sent from its last, checked, text with a new request id and time",
    )
    parser.add_argument(
        "--realtime-idle-timeout", type=_positive(float), default=60.0, metavar="SECONDS",
        help="close a Realtime socket that sent nothing, not even a heartbeat, for this long (default 60)",
    )  # fmt: skip
    parser.add_argument(
        "--realtime-url", metavar="URL",
        help="the supabase_url /api/co/realtime/config names (default: the mock's own origin, "
        "which serves Realtime at /realtime/v1)",
    )  # fmt: skip
    parser.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    return parser.parse_args(argv)


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not above 0")
        return value

    return parse


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the parsed flags; FaultConfigError when a fault flag or file cannot be read."""
    rules, registry = load_fault_file(args.faults) if args.faults else ([], {})
    state_url = args.state if args.state and is_database_url(args.state) else None
    if args.workers > 1 and state_url is None:
        raise ValueError(
            f"--workers {args.workers} needs --state postgresql://… : the workers share their sandboxes "
            "there (in memory or in a SQLite file each would keep a world of its own)."
        )
    return Settings(
        host=args.host,
        port=args.port,
        realtime=RealtimeSettings(url=args.realtime_url, idle_timeout_s=args.realtime_idle_timeout),
        seed=args.seed,
        demo=not args.no_demo,
        registry_url=args.registry_url,
        registry_api_key=args.registry_api_key,
        planted_faults=frozenset(args.plant_fault),
        apis=_apis(args.apis),
        # A planted fault must reach the client; self-validation would turn it into a 500.
        validate_responses=not args.plant_fault,
        direct_path=not args.no_direct_path,
        reuse_answers=not args.no_reuse_answers,
        scenario=args.scenario,
        fault_rules=(*rules, *args.fault),
        registry_faults=registry_faults(registry, args.registry_fault),
        state_path=Path(args.state) if args.state and state_url is None else None,
        state_url=state_url,
        workers=args.workers,
        journal_size=args.journal_size,
        build_process=not args.no_build_process,
        request_timeout=args.request_timeout,
        max_connections=args.max_connections,
        admin_token=args.admin_token,
        limits=SandboxLimits(
            max_sandboxes=args.max_sandboxes,
            max_snapshots=args.max_snapshots,
            storage_budget_bytes=args.storage_budget_mb * MIB,
            idle_expiry_seconds=args.idle_expiry,
        ),
    )


def _apis(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    names = frozenset(name.strip() for name in value.split(",") if name.strip())
    known = {pack.name for pack in PACKS}
    unknown = sorted(names - known)
    if unknown:
        raise ValueError(f"unknown API(s) in --apis: {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return names


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(text: str) -> float | None:
    """'30m', '24h', '7d', '90s' or plain seconds; 0 means never."""
    number, unit = (text[:-1], text[-1]) if text[-1:] in _UNITS else (text, "s")
    try:
        seconds = float(number) * _UNITS[unit]
    except ValueError:
        seconds = -1
    if seconds < 0 or seconds != seconds or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 30m, 24h or 7d (0: never)")
    return seconds or None


def banner(
    settings: Settings, tokens: list[tuple[str, str]], credentials: dict[str, dict[str, str]] | None = None
) -> str:
    """`credentials`: by demo token, how the other APIs (Trimble, Navixy) reach that sandbox."""
    host = "localhost" if settings.host in ("127.0.0.1", "0.0.0.0") else settings.host
    base = f"http://{host}:{settings.port}"
    lines = [f"MinBil mock listening on {base}  (seed {settings.seed})"]
    if settings.serves("carowner"):
        lines.append(f"  API:        {base}/api/co        Swagger UI: {base}/ui        Docs: {base}/docs")
    else:
        lines.append(f"  Docs:       {base}/docs")
    if settings.serves("registry"):
        lines.append(
            f"  Registry:   {base}/ws/no/vegvesen/kjoretoy/felles/datautlevering/enkeltoppslag/kjoretoydata"
            f"  (SVV-Authorization: Apikey {settings.registry_api_key})"
        )
    lines += [
        f"  Controls:   {base}/__mock        Swagger UI: {base}/__mock/ui",
        f"  Realtime:   ws://{host}:{settings.port}/realtime/v1/websocket"
        f"  (apikey {settings.realtime.anon_key})",
    ]
    if settings.state_url is not None:
        workers = f"{settings.workers} workers, " if settings.workers > 1 else ""
        lines.append(f"  State:      PostgreSQL ({workers}every process serves the same sandboxes)")
    elif settings.state_path is not None:
        lines.append(f"  State:      {settings.state_path} (every sandbox survives a restart)")
    if settings.fault_rules:
        lines.append(f"  Faults:     {len(settings.fault_rules)} rule(s) on every request")
    lines += [
        "",
        "Demo users (Authorization: Bearer <token>):",
    ]
    for token, who in tokens:
        lines.append(f"  {token:<12} {who}")
        lines += [f"  {'':<12}   {api}: {told}" for api, told in (credentials or {}).get(token, {}).items()]
    if tokens and settings.serves("carowner"):
        lines += [
            "",
            "Try:",
            f"  export MINBIL_API_BASE_URL={base} MINBIL_ACCESS_TOKEN={tokens[0][0]}",
            '  curl -H "Authorization: Bearer $MINBIL_ACCESS_TOKEN" $MINBIL_API_BASE_URL/api/co/vehicles',
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = settings_from(args)
        # The port before the world: a taken port is told at once, and nothing is printed before it.
        sock = listening_socket(settings.host, settings.port, backlog=max(128, settings.max_connections))
    except (FaultConfigError, RuleError, ValueError, PortError) as error:
        sys.stderr.write(f"minbil-mock: {error}\n")
        return 2
    try:
        world, tokens = build_seeded_world(settings)
    except (FaultConfigError, RuleError, *_store_errors(settings), ValueError) as error:
        sock.close()
        sys.stderr.write(f"minbil-mock: {error}\n")
        return 2
    app = create_app(settings, world)
    sandboxes = [world.sandboxes.by_token(token) for token, _ in tokens]
    credentials = {s.token: pack_credentials(world, s) for s in sandboxes if s is not None}
    print(banner(settings, tokens, credentials), flush=True)  # listening, and about to serve what waits
    # Access lines only when asked for (info/debug): otherwise each request pays for a logger call.
    access_log = args.log_level in ("info", "debug")
    # The world and the specs are built: exempt them from the cyclic collector, whose full passes
    # over them paused every request for ~40 ms (the p99).
    gc.collect()
    gc.freeze()
    # While a big sandbox is made, restored or snapshotted in the worker thread
    # (control/build_worker.py), the event loop waits up to this long for the GIL at each
    # hand-over: 1 ms instead of 5 keeps a cheap GET meanwhile at a few milliseconds. With one
    # thread running it costs nothing.
    sys.setswitchinterval(0.001)

    def run() -> None:
        world.builds.start()  # in this process: each of --workers N starts its own
        serve(
            app,
            sock,
            request_timeout=settings.request_timeout,
            max_connections=settings.max_connections,
            on_stop=lambda: _stop(world),
            log_level=args.log_level,
            access_log=access_log,
            wire=app.wire,
        )

    if settings.workers > 1:
        from .workers import serve_workers

        assert world.state is not None and not isinstance(world.state, SqliteState)
        return serve_workers(settings.workers, world.state, run)
    run()
    return 0


def _store_errors(settings: Settings) -> tuple[type[Exception], ...]:
    if settings.state_url is None:
        return STORE_ERRORS
    from .store.postgres_state import StateStoreError

    return (*STORE_ERRORS, StateStoreError)


def _stop(world: MockWorld) -> None:
    """Stopped (Ctrl+C, SIGTERM): the build process ends (uvicorn then re-raises the signal, so
    nothing at exit would stop it), the -wal file is folded back, the state file alone holds the world."""
    world.builds.close()
    if world.state is not None:
        world.state.close()


if __name__ == "__main__":
    sys.exit(main())
