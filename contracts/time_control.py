"""Letting time pass on servers that allow it. Opt-in: nothing uses it unless asked (--mock-controls)."""

from __future__ import annotations

from datetime import timedelta

import httpx

# The mock's control API lives under a reserved prefix; this is the one call the suite needs from it.
DEFAULT_CLOCK_PATH = "/__mock/sandbox/clock"


class HttpTimeControl:
    """Moves the caller's sandbox clock forward with `POST <path> {"seconds": N}` as that caller."""

    def __init__(self, base_url: str, path: str = DEFAULT_CLOCK_PATH, timeout: float = 10.0) -> None:
        self._url = base_url.rstrip("/") + path
        self._timeout = timeout

    def advance(self, token: str, delta: timedelta) -> None:
        response = httpx.post(
            self._url,
            json={"seconds": int(delta.total_seconds())},
            headers={"Authorization": f"Bearer {token}"},
            timeout=self._timeout,
        )
        response.raise_for_status()
