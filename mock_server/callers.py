"""Which sandbox a request is for, when its API names it by something other than a bearer token.

A Navixy caller sends its session `hash` as a query parameter or in the JSON body. The engine's
middleware (journal, gate, persistence, fault injection) key everything by sandbox token; this
middleware finds the token for such a credential and leaves it in the request's notes
(`asgi_tools.caller_token`). It runs inside RequestBodyMiddleware, so a body has been read whole,
within its limits, and arrives here as one message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .asgi_tools import current_notes
from .request_body import replaying
from .store.sandbox import SandboxRegistry

CredentialIn = Callable[[Scope, bytes], str | None]


class CallerMiddleware:
    def __init__(
        self, app: ASGIApp, resolvers: Sequence[tuple[str, CredentialIn]], sandboxes: SandboxRegistry
    ) -> None:
        self.app = app
        self.resolvers = [(base_path.rstrip("/"), credential_in) for base_path, credential_in in resolvers]
        self.sandboxes = sandboxes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.resolvers:
            path = scope["path"]
            for base_path, credential_in in self.resolvers:
                if path.startswith(base_path + "/"):
                    body, receive = await _whole_body(scope, receive)
                    value = credential_in(scope, body)
                    sandbox = self.sandboxes.by_credential(value) if value else None
                    if sandbox is not None:
                        current_notes().caller = sandbox.token
                    break
        await self.app(scope, receive, send)


async def _whole_body(scope: Scope, receive: Receive) -> tuple[bytes, Receive]:
    """The body (one message, RequestBodyMiddleware saw to it), and a receive that gives it again."""
    if not any(key in (b"content-length", b"transfer-encoding") for key, _ in scope["headers"]):
        return b"", receive
    message = await receive()
    if message["type"] != "http.request":  # the client is gone: let the app see that itself
        return b"", _first_again(message, receive)
    body = message.get("body", b"")
    return body, replaying(body, receive)


def _first_again(first: Message, receive: Receive) -> Receive:
    async def again() -> Message:
        return first

    return again
