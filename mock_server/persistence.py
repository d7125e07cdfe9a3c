"""Acknowledged means persisted: with `--state FILE` (or a PostgreSQL URL), a successful request that
may change state is written to the store before its answer starts going out.

Middleware inside the request journal and outside fault injection: when the status line of an
answer below 400 to a request that may change state passes by (every method but GET, HEAD and
OPTIONS, and the reads a pack declares writes: Navixy's actions may come as GETs, see
`packs.base.may_change_state`), the caller's sandbox (and any sandbox created or deleted on the
way, and new images) is committed, then the answer is let through. A client that saw the answer can
rely on it surviving a restart. Prefer answers change nothing and are not written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .asgi_tools import caller_token, current_notes
from .domain.images import ImageStore
from .packs.base import ApiPack, may_change_state
from .store.sandbox import SandboxRegistry
from .store.sqlite_state import SqliteState

if TYPE_CHECKING:
    from .store.postgres_state import PostgresState


class PersistenceMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        state: SqliteState | PostgresState,
        sandboxes: SandboxRegistry,
        images: ImageStore,
        packs: tuple[ApiPack, ...] = (),
    ) -> None:
        self.app = app
        self.packs = packs
        self.state = state
        self.sandboxes = sandboxes
        self.images = images

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        writes = may_change_state(scope, self.packs)

        async def saving(message: Message) -> None:
            notes = current_notes()
            if (
                message["type"] == "http.response.start"
                and message["status"] < 400
                and not notes.prefer
                and writes
            ):
                token = caller_token(scope)
                self.state.sync(self.sandboxes, [token] if token else [], self.images.all())
            await send(message)

        await self.app(scope, receive, saving)
