"""Liveness and readiness of one mock process (`/__mock/health`, `/__mock/ready`), for load balancers."""

from __future__ import annotations

from collections.abc import Callable

from . import representations as rep


class ServiceHandlers:
    def __init__(self, store: str, store_answers: Callable[[], bool] = lambda: True) -> None:
        self._store = store  # memory, sqlite or postgresql
        self._store_answers = store_answers

    async def getHealth(self):
        return rep.ok({"status": "ok", "store": self._store})

    async def getReadiness(self):
        if self._store_answers():
            return rep.ok({"status": "ok", "store": self._store})
        return rep.ok({"status": "unavailable", "store": self._store}, 503)
