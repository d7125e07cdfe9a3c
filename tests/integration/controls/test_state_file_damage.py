"""A damaged, foreign or misplaced `--state` file stops the mock with a message that says what is
wrong and what to do; nothing in the file is changed or silently left out. And what a state file
promises holds across a restart, export tokens included."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings
from mock_server.store.sqlite_state import StateFileError
from tests.integration.controls.conftest import start_controls


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a state file holding the seeded world, its WAL written back into it."""
    path = tmp_path_factory.mktemp("seeded") / "world.sqlite"
    world, _ = build_seeded_world(Settings(state_path=path))
    assert world.state is not None
    world.state.close()  # the last connection to close folds the WAL back into the file
    return path.read_bytes()


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a database at all\n" * 500)


def _drop_snapshots(path: Path) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("DROP TABLE snapshots")


def _spoil_a_sandbox(path: Path) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("UPDATE sandboxes SET state = '{\"version\": ' WHERE token = 'demo-kari'")


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (_truncate, "not a readable MinBil state file"),
        (_garbage, "not a readable MinBil state file"),
        (_drop_snapshots, "lost its snapshots table"),
        (_spoil_a_sandbox, "the sandbox 'demo-kari' cannot be read"),
    ],
    ids=["truncated", "garbage", "dropped-table", "spoilt-sandbox"],
)
def test_a_damaged_state_file_stops_the_mock_and_is_left_as_it_was(
    tmp_path: Path, seeded_file: bytes, damage: Callable[[Path], None], said: str
) -> None:
    path = tmp_path / "world.sqlite"
    path.write_bytes(seeded_file)
    damage(path)
    before = path.read_bytes()
    with pytest.raises(StateFileError, match=said) as refused:
        build_seeded_world(Settings(state_path=path))
    message = str(refused.value)
    assert "\n" not in message and str(path) in message
    assert "backup" in message or "another --state" in message  # what to do
    assert path.read_bytes() == before


def test_an_sqlite_file_of_something_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(StateFileError, match="something else"):
        build_seeded_world(Settings(state_path=path))
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert tables == {"customers"}


def test_a_state_file_in_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "world.sqlite"
    with pytest.raises(StateFileError, match="does not exist"):
        build_seeded_world(Settings(state_path=path))
    assert not (tmp_path / "no").exists()


def test_export_tokens_minted_before_a_restart_are_accepted_after_it(tmp_path: Path) -> None:
    path = tmp_path / "world.sqlite"
    before = start_controls(Settings(state_path=path))
    with before.client:
        grant = before.call("GET", "/api/co/service-log/export-token", "demo-kari").json()["data"]
    assert before.world.state is not None
    before.world.state.close()
    after = start_controls(Settings(state_path=path))
    with after.client:
        download = after.client.get("/" + grant["download_url"].split("/", 3)[3])
    assert download.status_code == 200, download.text
    assert download.headers["content-type"].startswith("text/csv")
