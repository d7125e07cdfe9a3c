"""The real mock, served by uvicorn from a background thread on a free port.

Between snippets the mock can be made fresh again, so a snippet that changes the demo world (links
a car, unlinks one) never changes what the next snippet sees:
- "sandboxes": the demo users' sandboxes are replaced by freshly seeded ones (all per-user state
  lives there; milliseconds);
- "world": a whole new world and app are swapped in (for calls that change mock-wide state, such as
  the control API's faults or clock; about half a second)."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from typing import Any, Literal

import httpx
import uvicorn

with warnings.catch_warnings():
    # Importing connexion warns, outside our control (starlette.testclient finds httpx, not httpx2).
    warnings.simplefilter("ignore", DeprecationWarning)
    from mock_server.app import create_app
    from mock_server.packs.carowner.seeding import build_seeded_world
    from mock_server.settings import Settings

Reset = Literal["sandboxes", "world"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningMock:
    def __init__(self) -> None:
        self.port = free_port()
        self.settings = Settings(port=self.port)
        self._install_new_world()
        config = uvicorn.Config(
            self._serve,
            host="127.0.0.1",
            port=self.port,
            log_level="error",
            lifespan="off",
            ws="none",
            interface="asgi3",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="mock", daemon=True)
        self.needs: Reset | None = None  # what the last snippet may have changed

    def _install_new_world(self) -> None:
        self.world, _ = build_seeded_world(self.settings)
        self.app: Any = create_app(self.settings, self.world)

    async def _serve(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _warm_up(self) -> None:
        httpx.get(f"{self.base_url}/api/co/vehicles", timeout=10)  # Connexion builds its stack lazily

    def start(self) -> RunningMock:
        self._thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._server.started:
                self._warm_up()
                return self
            time.sleep(0.02)
        raise RuntimeError("the mock did not start within 20 s")

    def fresh(self) -> None:
        """Undo what the last snippet may have changed, before the next one runs."""
        if self.needs == "world":
            self._install_new_world()
            self._warm_up()
        elif self.needs == "sandboxes":
            seeded, _ = build_seeded_world(self.settings)
            for sandbox in list(self.world.sandboxes):
                self.world.sandboxes.remove(sandbox.token)
            for sandbox in seeded.sandboxes:
                self.world.sandboxes.add(sandbox)
        self.needs = None

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
