"""The mock in-process, driven through its control API the way a frontend developer or CI would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_server.app import MockWorld, create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings
from mock_server.store.sandbox import Sandbox


@dataclass(repr=False)
class Controls:
    world: MockWorld
    client: TestClient

    def __repr__(self) -> str:  # hypothesis prints its arguments; a whole world is no help there
        return f"Controls({len(self.world.sandboxes)} sandboxes)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's pretty printer asks this
        printer.text(repr(self))

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def new_sandbox(self, scenario: str | None = None, **extra: Any) -> str:
        body = {"scenario": scenario, **extra} if scenario else dict(extra)
        answer = self.client.post("/__mock/sandboxes", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()["token"]

    def sandbox(self, token: str) -> Sandbox:
        found = self.world.sandboxes.by_token(token)
        assert found is not None
        return found

    def call(self, method: str, url: str, token: str, **kwargs: Any):
        headers = {**self.auth(token), **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)

    def event(self, token: str, **body: Any):
        return self.call("POST", "/__mock/sandbox/workshop-events", token, json=body)

    def notifications(self, token: str, **params: Any) -> list[dict[str, Any]]:
        answer = self.call("GET", "/__mock/sandbox/notifications", token, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()["notifications"]


def start_controls(settings: Settings | None = None) -> Controls:
    settings = settings or Settings()
    world, _ = build_seeded_world(settings)
    return Controls(world, TestClient(create_app(settings, world), raise_server_exceptions=False))


@pytest.fixture
def controls() -> Iterator[Controls]:
    started = start_controls()
    with started.client:
        yield started


@pytest.fixture(scope="module")
def shared_controls() -> Iterator[Controls]:
    """One mock for a module whose tests each work in a sandbox of their own."""
    started = start_controls()
    with started.client:
        yield started
