"""In-process mock for behaviour tests: a fresh seeded world per test, no sockets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_server.app import MockWorld, create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings
from mock_server.store.sandbox import Sandbox

KARI = "demo-kari"
OLA = "demo-ola"


@dataclass(repr=False)
class Mock:
    world: MockWorld
    client: TestClient

    def __repr__(self) -> str:  # hypothesis prints its arguments; a whole world is no help there
        return f"Mock({len(self.world.sandboxes)} sandboxes)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's pretty printer asks this
        printer.text(repr(self))

    def as_user(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def new_sandbox(self, token: str | None = None) -> str:
        """An empty sandbox of its own; returns its token."""
        token = token or f"test-{uuid.uuid4().hex[:12]}"
        self.world.sandboxes.add(
            Sandbox(token=token, user_id=uuid.uuid4(), display_name="Test Testesen", email="test@example.no")
        )
        return token

    def sandbox(self, token: str) -> Sandbox:
        sandbox = self.world.sandboxes.by_token(token)
        assert sandbox is not None
        return sandbox

    def get(self, url: str, token: str = KARI, **kwargs):
        return self.client.get(url, headers={**self.as_user(token), **kwargs.pop("headers", {})}, **kwargs)

    def post(self, url: str, token: str = KARI, **kwargs):
        return self.client.post(url, headers={**self.as_user(token), **kwargs.pop("headers", {})}, **kwargs)

    def put(self, url: str, token: str = KARI, **kwargs):
        return self.client.put(url, headers={**self.as_user(token), **kwargs.pop("headers", {})}, **kwargs)

    def delete(self, url: str, token: str = KARI, **kwargs):
        return self.client.delete(url, headers={**self.as_user(token), **kwargs.pop("headers", {})}, **kwargs)


def start_mock(settings: Settings | None = None) -> Mock:
    settings = settings or Settings()
    world, _ = build_seeded_world(settings)
    return Mock(world=world, client=TestClient(create_app(settings, world), raise_server_exceptions=False))


@pytest.fixture
def mock() -> Iterator[Mock]:
    started = start_mock()
    with started.client:
        yield started


@pytest.fixture(scope="module")
def shared_mock() -> Iterator[Mock]:
    """For read-only tests: one world for the whole module."""
    started = start_mock()
    with started.client:
        yield started
