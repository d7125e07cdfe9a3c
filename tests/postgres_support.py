"""A throwaway PostgreSQL database per test: created on the server MINBIL_TEST_POSTGRES names (default:
the local one), dropped after. Tests that need one skip, saying why, where none is reachable."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

SERVER = os.environ.get("MINBIL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin():  # type: ignore[no-untyped-def]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        pytest.skip("psycopg is not installed")
    try:
        return psycopg.connect(SERVER, autocommit=True, connect_timeout=3)
    except psycopg.Error as error:
        pytest.skip(f"no PostgreSQL reachable at {SERVER} ({str(error).strip().splitlines()[0]})")


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database, dropped afterwards (its connections ended first)."""
    admin = _admin()
    name = f"minbil_test_{secrets.token_hex(6)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = SERVER.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


STORES = ("sqlite", "postgres")


@contextmanager
def state_store(kind: str, folder: Path) -> Iterator[dict[str, Any]]:
    """Settings fields that keep a world in the store `kind` ("sqlite": a file in `folder`)."""
    if kind == "sqlite":
        yield {"state_path": folder / "state.sqlite"}
    else:
        with fresh_database() as url:
            yield {"state_url": url}


def close_state(world: Any) -> None:
    """Close a world's store (a PostgreSQL connection each): a test leaves none open. What the world
    loaded stays to be looked at; it no longer asks the store for more."""
    if world.state is not None:
        world.state.close()
    world.sandboxes.on_miss = world.sandboxes.on_unknown_credential = world.images.on_miss = None


@contextmanager
def two_mocks_on_one_database(start: Any, **settings: Any) -> Iterator[tuple[Any, Any]]:
    """Two mocks (each made by `start(settings)`: start_controls or start_mock, with these
    `settings` besides) sharing a fresh database and nothing else, their clients open; their stores
    closed afterwards."""
    from mock_server.settings import Settings

    with fresh_database() as url:
        one, other = (start(Settings(state_url=url, **settings)) for _ in range(2))
        with one.client, other.client:
            yield one, other
        close_state(one.world)
        close_state(other.world)
