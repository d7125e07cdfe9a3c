"""`minbil-contracts`: check a MinBil CarOwner server against openapi.yaml and the API's rules."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .apis import API_PACKAGES, CAROWNER, REGISTRY, api_names, api_suites, render_rules
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
from .rule_matrix import render as render_matrix
from .runner import run_suite, secrets_for
from .spec import load_spec
from .target import Target
from .time_control import DEFAULT_CLOCK_PATH, HttpTimeControl

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# What a shell reports for a process ended by a signal: 128 + its number (SIGINT 2, SIGPIPE 13).
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minbil-contracts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the contract suites against a server")
    run.add_argument("--base-url", required=True, help="the server under test, e.g. http://localhost:5000")
    run.add_argument(
        "--api",
        choices=api_names(),
        default=CAROWNER,
        help="which API to check (default: carowner; registry: the registry suite only)",
    )
    run.add_argument(
        "--token",
        default=os.environ.get("MINBIL_ACCESS_TOKEN"),
        help="user A's credential: a bearer token (Navixy: a session hash) (default: $MINBIL_ACCESS_TOKEN)",
    )
    run.add_argument(
        "--second-token",
        default=os.environ.get("MINBIL_SECOND_TOKEN"),
        help="user B's credential, for the isolation suite (default: $MINBIL_SECOND_TOKEN)",
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
        help=f"comma-separated suites to run (default: all the API's; CarOwner's: {','.join(SUITE_NAMES)})",
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
        "--spec", type=Path, help="the OpenAPI document to hold the server to (default: the API's own)"
    )
    run.add_argument("--junit", type=Path, help="write a JUnit XML report here")
    run.add_argument("--report", type=Path, help="write a Markdown report here")
    run.add_argument("--quiet", action="store_true", help="print only failures and the summary")
    rules = commands.add_parser("rules", help="list the rule ids and what each one means")
    rules.add_argument("--api", choices=api_names(), default=CAROWNER, help="whose rules (default: carowner)")
    return parser


def options_from(args: argparse.Namespace) -> RunOptions:
    check_base_url("--base-url", args.base_url)
    if args.registry_url:
        check_base_url("--registry-url", args.registry_url)
    other = api_suites(args.api) if args.api in API_PACKAGES else None
    if args.spec is None:
        args.spec = other.spec_path if other is not None else DEFAULT_SPEC
    if args.suite is None:
        args.suite = ",".join(other.suite_names if other is not None else SUITE_NAMES)
    if args.api == REGISTRY:
        args.suite = "registry"
    check_spec(args.spec)
    for flag, path in (("--junit", args.junit), ("--report", args.report)):
        if path is not None:
            check_writable(flag, path)
    registry_only = _suites(args.suite) == ("registry",)
    if not args.token and not registry_only:
        raise ValueError("a token is needed: --token or $MINBIL_ACCESS_TOKEN")
    if registry_only and not (args.registry_url or args.registry_key):
        raise ValueError(
            "the registry suite needs --registry-url (and --registry-key unless it is the mock's)"
        )
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
        suites=_suites(args.suite),
        spec_path=args.spec,
        registry=registry,
        time_control=HttpTimeControl(args.base_url) if args.mock_controls else None,
        api=args.api,
    )


def check_base_url(flag: str, url: str) -> None:
    """An absolute http(s) URL with a host; a bare host:port gets a suggestion, not a cryptic error."""
    parts = urlsplit(url)
    if "://" not in url:
        raise ValueError(f"{flag} {url!r} has no scheme: did you mean http://{url.lstrip(':/')}?")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{flag} {url!r} is not an http:// or https:// URL with a host")
    try:
        parts.port  # noqa: B018 (the property validates the port)
    except ValueError:
        raise ValueError(f"{flag} {url!r} has an invalid port") from None


def check_spec(path: Path) -> None:
    """The spec is read by several suites; a bad one is the user's to fix, said once and up front."""
    if not path.is_file():
        raise ValueError(f"--spec {path}: no such file")
    try:
        document = load_spec(path)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ValueError(f"--spec {path}: not valid YAML{where}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"--spec {path}: cannot be read ({error})") from None
    if not (
        isinstance(document, dict)
        and str(document.get("openapi", "")).startswith("3.")
        and isinstance(document.get("paths"), dict)
    ):
        raise ValueError(f"--spec {path}: not an OpenAPI 3 document (no `openapi: 3.x` and `paths`)")


def check_writable(flag: str, path: Path) -> None:
    """Refused before the run, not after it: a report that cannot be written would be lost at the end."""
    if path.is_dir():
        raise ValueError(f"{flag} {path}: is a folder, give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # the reporter would create it at the end anyway
    except OSError as error:
        raise ValueError(f"{flag} {path}: cannot create its folder ({error.strerror})") from None
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ValueError(f"{flag} {path}: not writable")


def _suites(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


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
    try:
        return _command(args)
    except BrokenPipeError:
        # The reader went away (`minbil-contracts rules | head`): stop quietly, as Unix tools do.
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        sys.stderr.write("minbil-contracts: interrupted\n")
        return EXIT_INTERRUPTED
    except UsageError as error:
        sys.stderr.write(f"minbil-contracts: {error}\n")
        return EXIT_USAGE


class UsageError(Exception):
    """Something the person running the command can fix; told in one line."""


def _command(args: argparse.Namespace) -> int:
    if args.command == "rules":
        sys.stdout.write(render_rules(api_suites(args.api)) if args.api in API_PACKAGES else render_matrix())
        sys.stdout.flush()
        return EXIT_PASSED
    try:
        options = options_from(args)
    except ValueError as error:
        raise UsageError(error) from None
    hidden = secrets_for(options)
    listeners: list[Listener] = [ConsoleReporter(sys.stdout, hidden, show_passed=not args.quiet)]
    if args.junit:
        listeners.append(JUnitReporter(args.junit, hidden))
    if args.report:
        listeners.append(MarkdownReporter(args.report, hidden))
    try:
        report = run_suite(Target.http(args.base_url), options, listeners)
    except BrokenPipeError:
        raise
    except OSError as error:  # a report file that could not be written after all (disk full, removed)
        raise UsageError(f"could not write a report: {error}") from None
    return EXIT_PASSED if report.ok else EXIT_FAILED


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (captured in tests)
        pass


if __name__ == "__main__":
    raise SystemExit(main())
