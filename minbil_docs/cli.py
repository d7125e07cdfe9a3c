"""`minbil-docs build --out DIR`: write the static site (HTML pages and their Markdown twins)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .site import SpecPaths, render_site


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = SpecPaths.of_project()
    parser = argparse.ArgumentParser(
        prog="minbil-docs", description="Docs for the MinBil CarOwner API and its mock."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="render the static site into a folder")
    build.add_argument(
        "--out", type=Path, required=True, help="folder to write the site into (created if missing)"
    )
    build.add_argument(
        "--spec", type=Path, default=defaults.carowner, help="CarOwner API spec (openapi.yaml)"
    )
    build.add_argument("--registry-spec", type=Path, default=defaults.registry, help="registry fake spec")
    build.add_argument(
        "--control-spec",
        type=Path,
        default=defaults.control,
        help="control API spec (default: mock_server/control/control.yaml when it exists)",
    )
    build.add_argument(
        "--pack-spec",
        type=Path,
        action="append",
        dest="pack_specs",
        help="an API pack's spec, one page each (default: mock_server/packs/*/openapi.yaml); repeatable",
    )
    args = parser.parse_args(argv)
    if args.command == "build" and args.pack_specs is None:
        args.pack_specs = list(defaults.packs)
    return args


def build(out: Path, paths: SpecPaths) -> list[Path]:
    files = render_site(paths.carowner, paths.registry, paths.control, paths.packs)
    written = []
    for name, content in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for spec in (args.spec, args.registry_spec, args.control_spec, *args.pack_specs):
        if spec is not None and not spec.is_file():
            sys.stderr.write(f"minbil-docs: no such spec file: {spec}\n")
            return 2
    paths = SpecPaths(args.spec, args.registry_spec, args.control_spec, tuple(args.pack_specs))
    written = build(args.out, paths)
    sys.stdout.write(f"Wrote {len(written)} files to {args.out} (open {args.out / 'index.html'})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
