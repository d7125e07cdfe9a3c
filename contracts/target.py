"""Where the server under test lives: a base URL over the network, or an ASGI app in this process.

The suites only ever see an httpx.Client, so they cannot tell the two apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal

ASGI_BASE_URL = "http://testserver"
DEFAULT_TIMEOUT = 30.0


class SyncASGITransport(httpx.BaseTransport):
    """httpx's ASGITransport is async-only; the suites are synchronous (hypothesis drives them).

    Runs the app on an event loop in a helper thread and hands each request across.
    """

    def __init__(self, app: Callable[..., Any]) -> None:
        self._transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._portal_context: AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None

    def _running_portal(self) -> BlockingPortal:
        if self._portal is None:
            self._portal_context = start_blocking_portal()
            self._portal = self._portal_context.__enter__()
        return self._portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            response = await self._transport.handle_async_request(request)
            body = await response.aread()
            return response.status_code, response.headers.raw, body

        status, headers, body = self._running_portal().call(send)
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        if self._portal_context is not None:
            self._portal_context.__exit__(None, None, None)
            self._portal_context = None
            self._portal = None


@dataclass(frozen=True)
class Target:
    """The server under test. `app` is set for in-process targets."""

    base_url: str
    app: Any = None
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def http(cls, base_url: str, *, timeout: float = DEFAULT_TIMEOUT) -> Target:
        return cls(base_url=base_url.rstrip("/"), timeout=timeout)

    @classmethod
    def asgi(cls, app: Any, *, base_url: str = ASGI_BASE_URL) -> Target:
        return cls(base_url=base_url.rstrip("/"), app=app)

    @property
    def in_process(self) -> bool:
        return self.app is not None

    def describe(self) -> str:
        return f"in-process app ({type(self.app).__name__})" if self.in_process else self.base_url

    @contextmanager
    def connect(self) -> Iterator[httpx.Client]:
        transport = SyncASGITransport(self.app) if self.in_process else None
        client = httpx.Client(base_url=self.base_url, transport=transport, timeout=self.timeout)
        try:
            yield client
        finally:
            client.close()
            if transport is not None:
                transport.close()
