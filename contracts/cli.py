"""`minbil-contracts`: check a MinBil CarOwner server against openapi.yaml and the API's rules."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from .events import Listener
from .options import (
    DEFAULT_PLATES,
    DEFAULT_REGISTRY_KEY,
    DEFAULT_SPEC,
    PROFILES,
    SUITE_NAMES,
    RegistryOptions,
    RunOptions,
)
from .reporters import ConsoleReporter, JUnitReporter, MarkdownReporter
from .rules import RULES
from .runner import run_suite, secrets_for
from .target import Target
from .time_control import DEFAULT_CLOCK_PATH, HttpTimeControl

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minbil-contracts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the contract suites against a server")
    run.add_argument("--base-url", required=True, help="the server under test, e.g. http://localhost:5000")
    run.add_argument(
        "--token",
        default=os.environ.get("MINBIL_ACCESS_TOKEN"),
        help="bearer token of user A (default: $MINBIL_ACCESS_TOKEN)",
    )
    run.add_argument(
        "--second-token",
        default=os.environ.get("MINBIL_SECOND_TOKEN"),
        help="bearer token of user B, for the isolation suite (default: $MINBIL_SECOND_TOKEN)",
    )
    run.add_argument(
        "--plates",
        nargs="+",
        default=list(DEFAULT_PLATES),
        help="plates the server can link (at least 4; space- or comma-separated)",
    )
    run.add_argument(
        "--profile", choices=sorted(PROFILES), default="ci", help="how hard to look (default: ci)"
    )
    run.add_argument("--seed", type=int, help="seed for generated data (default: random, printed)")
    run.add_argument(
        "--suite",
        default=",".join(SUITE_NAMES),
        help=f"comma-separated suites to run (default: all: {','.join(SUITE_NAMES)})",
    )
    run.add_argument("--read-only", action="store_true", help="skip every check that changes data")
    run.add_argument(
        "--registry-url", help="base URL of a Vegvesen-like registry; enables the registry suite"
    )
    run.add_argument(
        "--registry-key",
        default=os.environ.get("SVV_API_KEY"),
        help="API key for the registry (default: $SVV_API_KEY, else the mock's demo key)",
    )
    run.add_argument(
        "--registry-plates",
        nargs="+",
        default=list(RegistryOptions().known_plates),
        help="plates the registry knows, for the registry suite (default: EK39085 BE12335)",
    )
    run.add_argument(
        "--mock-controls",
        action="store_true",
        help=f"the server is the MinBil mock: let time pass through its control API "
        f"({DEFAULT_CLOCK_PATH}) to test export-token expiry",
    )
    run.add_argument(
        "--spec", type=Path, default=DEFAULT_SPEC, help="the OpenAPI document to hold the server to"
    )
    run.add_argument("--junit", type=Path, help="write a JUnit XML report here")
    run.add_argument("--report", type=Path, help="write a Markdown report here")
    run.add_argument("--quiet", action="store_true", help="print only failures and the summary")
    commands.add_parser("rules", help="list the rule ids and what each one means")
    return parser


def options_from(args: argparse.Namespace) -> RunOptions:
    if not args.token and args.suite != "registry":
        raise ValueError("a token is needed: --token or $MINBIL_ACCESS_TOKEN")
    plates = _plates(args.plates)
    registry = None
    if args.registry_url or args.registry_key:
        registry = RegistryOptions(
            url=args.registry_url or args.base_url,
            api_key=args.registry_key or DEFAULT_REGISTRY_KEY,
            known_plates=_plates(args.registry_plates),
        )
    return RunOptions(
        token=args.token or "",
        second_token=args.second_token,
        plates=plates,
        profile=PROFILES[args.profile],
        seed=args.seed if args.seed is not None else secrets.randbelow(2**31),
        read_only=args.read_only,
        suites=tuple(name.strip() for name in args.suite.split(",") if name.strip()),
        spec_path=args.spec,
        registry=registry,
        time_control=HttpTimeControl(args.base_url) if args.mock_controls else None,
    )


def _plates(values: list[str]) -> tuple[str, ...]:
    """Space- or comma-separated, normalised like the API does (upper case, no spaces or dashes)."""
    return tuple(
        plate.strip().upper().replace(" ", "").replace("-", "")
        for value in values
        for plate in value.split(",")
        if plate.strip()
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "rules":
        for rule in RULES.values():
            sys.stdout.write(f"{rule.id:<42} {rule.summary}\n")
        return EXIT_PASSED
    try:
        options = options_from(args)
    except ValueError as error:
        sys.stderr.write(f"minbil-contracts: {error}\n")
        return EXIT_USAGE
    hidden = secrets_for(options)
    listeners: list[Listener] = [ConsoleReporter(sys.stdout, hidden, show_passed=not args.quiet)]
    if args.junit:
        listeners.append(JUnitReporter(args.junit, hidden))
    if args.report:
        listeners.append(MarkdownReporter(args.report, hidden))
    report = run_suite(Target.http(args.base_url), options, listeners)
    return EXIT_PASSED if report.ok else EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
