"""The import rules of ARCHITECTURE.md, enforced."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path, source: str | None = None) -> set[str]:
    """Absolute module names a file imports (relative imports resolved against its package).
    `source`: the file's text, when it is not (yet) on disk."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    text = path.read_text(encoding="utf-8") if source is None else source
    names: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _offending(package: str, forbidden: str, allowed: tuple[str, ...] = ()) -> list[str]:
    bad = []
    for path in _files(package):
        for name in _imports(path):
            if (name == forbidden or name.startswith(forbidden + ".")) and not name.startswith(
                allowed or ("\0",)
            ):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


def test_the_contract_suite_never_imports_the_mock() -> None:
    assert _offending("contracts", "mock_server") == []
    assert _offending("contracts", "fixtures") == []


def test_fixtures_use_only_the_mocks_domain_records_and_plates() -> None:
    allowed = (
        "mock_server.packs.carowner.domain.models",
        "mock_server.domain.plates",
        "mock_server.domain.errors",
    )
    assert _offending("fixtures", "mock_server", allowed) == []


def test_the_mock_imports_fixtures_only_where_it_seeds_the_demo_world() -> None:
    users = {
        str(path.relative_to(ROOT))
        for path in _files("mock_server")
        if any(name == "fixtures" or name.startswith("fixtures.") for name in _imports(path))
    }
    assert users <= {"mock_server/packs/carowner/seeding.py"}


@pytest.mark.parametrize(
    "framework", ["connexion", "starlette", "httpx", "mock_server.packs.carowner.handlers", "mock_server.app"]
)
def test_the_domain_knows_nothing_of_http(framework: str) -> None:
    assert _offending("mock_server/domain", framework) == []
    assert _offending("mock_server/packs/carowner/domain", framework) == []
    assert _offending("mock_server/store", framework) == []


def test_nothing_that_runs_reads_the_shared_folder() -> None:
    packages = [
        p
        for p in ("mock_server", "contracts", "fixtures", "minbil_docs", "benchmarks")
        if (ROOT / p).exists()
    ]
    readers = [
        str(path.relative_to(ROOT))
        for package in packages
        for path in _files(package)
        if "../shared" in path.read_text(encoding="utf-8")
        or "shared/reference" in path.read_text(encoding="utf-8")
    ]
    assert readers == []


def test_the_docs_are_built_from_the_specs_alone() -> None:
    assert _offending("minbil_docs", "mock_server") == []
    assert _offending("minbil_docs", "fixtures") == []


def _pack_folders() -> list[Path]:
    return sorted(
        path for path in (ROOT / "mock_server" / "packs").iterdir() if (path / "__init__.py").is_file()
    )


# Outside the packs, only these name a pack: the one registration, and the command line, which seeds
# the demo world. The app and the control API name none: a pack brings its services (ApiPack.services)
# and its control operations (ApiPack.controls) itself.
MAY_NAME_PACKS = {
    Path("mock_server/packs/installed.py"),
    Path("mock_server/cli.py"),
}
# The packs a pack may use, beside the engine: CarOwner looks cars up in the registry fake.
PACK_USES: dict[str, set[str]] = {"carowner": {"registry"}}
# The seeded data is CarOwner's: it builds its records (which ones, the test above says).
FIXTURES_USE = {"mock_server.packs.carowner"}


def _pack_violations(files: dict[Path, str | None], packs: set[str]) -> list[str]:
    """Imports of a pack by a module that may not name it: files relative to ROOT, each with its
    text (None: read it from disk)."""
    bad = []
    for relative, source in files.items():
        own = next((p for p in packs if relative.parts[:3] == tuple(p.split("."))), None)
        if own is None and relative in MAY_NAME_PACKS:
            continue
        uses = PACK_USES.get(own.rsplit(".", 1)[-1], set()) if own else set()
        allowed = {own, *(f"mock_server.packs.{name}" for name in uses)}
        if relative.parts[0] == "fixtures":
            allowed |= FIXTURES_USE
        for name in sorted(_imports(ROOT / relative, source)):
            pack = next((p for p in packs if name == p or name.startswith(p + ".")), None)
            if pack is not None and pack not in allowed:
                bad.append(f"{relative} imports {name}")
    return bad


def _all_packs() -> set[str]:
    return {f"mock_server.packs.{folder.name}" for folder in _pack_folders()}


def test_api_packs_depend_on_the_engine_never_the_reverse() -> None:
    """Only the registration (packs/installed.py) and the composition root name a pack; a pack
    names no other pack but those it uses."""
    # What runs and ships; the benchmarks, like the tests, drive the mock from outside.
    files: dict[Path, str | None] = {
        path.relative_to(ROOT): None
        for package in ("mock_server", "fixtures", "minbil_docs")
        for path in _files(package)
    }
    assert _pack_violations(files, _all_packs()) == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("mock_server/app.py", "from .packs.carowner.services import CarOwnerServices\n"),
        ("mock_server/control/world_handlers.py", "from ..packs.carowner.domain import workshop\n"),
        ("mock_server/control/representations.py", "import mock_server.packs.carowner.handlers.controls\n"),
        ("mock_server/control/api.py", "from ..packs import registry\n"),
    ],
)
def test_the_pack_rule_catches_the_app_or_the_control_api_naming_a_pack(module: str, source: str) -> None:
    text = (ROOT / module).read_text(encoding="utf-8") + source
    found = _pack_violations({Path(module): text}, _all_packs())
    assert found and all(line.startswith(f"{module} imports mock_server.packs.") for line in found)
    assert _pack_violations({Path(module): None}, _all_packs()) == []


def test_the_pack_rule_catches_an_engine_module_or_a_pack_naming_another_pack() -> None:
    engine_module = Path("mock_server/store/probe.py")
    pack_module = Path("mock_server/packs/trimble/probe.py")
    files: dict[Path, str | None] = {
        engine_module: "from ..packs.trimble import PACK\n",
        pack_module: "from ..navixy import PACK\nfrom ...store import sandbox\nfrom . import fleet\n",
    }
    assert _pack_violations(files, _all_packs()) == [
        f"{engine_module} imports mock_server.packs.trimble",
        f"{engine_module} imports mock_server.packs.trimble.PACK",
        f"{pack_module} imports mock_server.packs.navixy",
        f"{pack_module} imports mock_server.packs.navixy.PACK",
    ]
