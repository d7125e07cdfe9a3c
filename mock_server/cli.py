"""`minbil-mock`: start the mock with its seeded demo world and print how to use it."""

from __future__ import annotations

import argparse
import sys
import warnings

# Connexion imports Starlette's test client, which warns on every start; not the user's concern.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

import uvicorn  # noqa: E402

from .app import create_app  # noqa: E402
from .faults import FAULTS  # noqa: E402
from .seeding import build_seeded_world  # noqa: E402
from .settings import DEFAULT_PORT, Settings  # noqa: E402


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
        + ", ".join(sorted(FAULTS)),
    )
    parser.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    return parser.parse_args(argv)


def banner(settings: Settings, tokens: list[tuple[str, str]]) -> str:
    host = "localhost" if settings.host in ("127.0.0.1", "0.0.0.0") else settings.host
    base = f"http://{host}:{settings.port}"
    lines = [
        f"MinBil mock listening on {base}  (seed {settings.seed})",
        f"  API:        {base}/api/co        Swagger UI: {base}/ui",
        f"  Registry:   {base}/ws/no/vegvesen/kjoretoy/felles/datautlevering/enkeltoppslag/kjoretoydata"
        f"  (SVV-Authorization: Apikey {settings.registry_api_key})",
        "",
        "Demo users (Authorization: Bearer <token>):",
    ]
    lines += [f"  {token:<12} {who}" for token, who in tokens]
    if tokens:
        lines += [
            "",
            "Try:",
            f"  export MINBIL_API_BASE_URL={base} MINBIL_ACCESS_TOKEN={tokens[0][0]}",
            '  curl -H "Authorization: Bearer $MINBIL_ACCESS_TOKEN" $MINBIL_API_BASE_URL/api/co/vehicles',
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings(
        host=args.host,
        port=args.port,
        seed=args.seed,
        demo=not args.no_demo,
        registry_url=args.registry_url,
        registry_api_key=args.registry_api_key,
        planted_faults=frozenset(args.plant_fault),
        # A planted fault must reach the client; self-validation would turn it into a 500.
        validate_responses=not args.plant_fault,
    )
    world, tokens = build_seeded_world(settings)
    app = create_app(settings, world)
    print(banner(settings, tokens), flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
