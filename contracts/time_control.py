"""Letting time pass on servers that allow it. Opt-in: nothing uses it unless asked (--mock-controls)."""

from __future__ import annotations

from datetime import timedelta

import httpx

# The mock's control API lives under a reserved prefix; this is the one call the suite needs from it.
DEFAULT_CLOCK_PATH = "/__mock/sandbox/clock"


class HttpTimeControl:
    """Moves the caller's sandbox clock forward with `POST <path> {"seconds": N}` as that caller."""

    def __init__(
        self,
        base_url: str,
        path: str = DEFAULT_CLOCK_PATH,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._url = base_url.rstrip("/") + path
        self._timeout = timeout
        self._transport = transport

    def unavailable(self, token: str) -> str | None:
        """Why this server's clock cannot be moved (it has no mock controls), or None when it can."""
        try:
            response = self._send("GET", token)
        except httpx.HTTPError as error:
            return f"GET {self._url} failed ({type(error).__name__}: {error})"
        if response.status_code != 200:
            return f"GET {self._url} answered {response.status_code}: the server has no mock controls"
        return None

    def advance(self, token: str, delta: timedelta) -> None:
        self._send("POST", token, {"seconds": int(delta.total_seconds())}).raise_for_status()

    def _send(self, method: str, token: str, body: dict[str, int] | None = None) -> httpx.Response:
        with httpx.Client(transport=self._transport, timeout=self._timeout) as client:
            return client.request(method, self._url, json=body, headers={"Authorization": f"Bearer {token}"})
