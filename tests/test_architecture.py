"""The import rules of ARCHITECTURE.md, enforced."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
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
    allowed = ("mock_server.domain.models", "mock_server.domain.plates", "mock_server.domain.errors")
    assert _offending("fixtures", "mock_server", allowed) == []


def test_the_mock_imports_fixtures_only_where_it_seeds_the_demo_world() -> None:
    users = {
        str(path.relative_to(ROOT))
        for path in _files("mock_server")
        if any(name == "fixtures" or name.startswith("fixtures.") for name in _imports(path))
    }
    assert users <= {"mock_server/seeding.py"}


@pytest.mark.parametrize(
    "framework", ["connexion", "starlette", "httpx", "mock_server.handlers", "mock_server.app"]
)
def test_the_domain_knows_nothing_of_http(framework: str) -> None:
    assert _offending("mock_server/domain", framework) == []
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


def test_api_packs_depend_on_the_engine_never_the_reverse() -> None:
    """Only the one registration (packs/installed.py) names a pack; a pack names no other pack."""
    packs = {f"mock_server.packs.{folder.name}" for folder in _pack_folders()}
    bad = []
    for path in _files("mock_server"):
        relative = path.relative_to(ROOT)
        own = next((p for p in packs if relative.parts[:3] == tuple(p.split("."))), None)
        if relative == Path("mock_server/packs/installed.py"):
            continue
        for name in _imports(path):
            pack = next((p for p in packs if name == p or name.startswith(p + ".")), None)
            if pack is not None and pack != own:
                bad.append(f"{relative} imports {name}")
    assert bad == []
