"""Small ASGI helpers the controls' middleware share: headers, the caller's token, problem answers,
and the notes inner middleware leave for the request journal."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from starlette.types import Message, Scope, Send

from .problems import CATALOGUE, encode, problem_body, problem_headers

CONTROL_PREFIX = "/__mock"


@dataclass
class RequestNotes:
    """What happened to a request on its way: faults injected, a Prefer answer given."""

    injected: list[str] = field(default_factory=list)
    prefer: str | None = None
    # The sandbox token a request named by another API's credential (callers.py); None: its bearer token.
    caller: str | None = None


_notes: ContextVar[RequestNotes | None] = ContextVar("request_notes", default=None)


def start_notes() -> RequestNotes:
    notes = RequestNotes()
    _notes.set(notes)
    return notes


def current_notes() -> RequestNotes:
    """This request's notes (a throwaway when no journal started them)."""
    return _notes.get() or RequestNotes()


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def bearer_token(scope: Scope) -> str | None:
    value = header(scope, b"authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def caller_token(scope: Scope) -> str | None:
    """The token of the sandbox a request is for: named by another API's credential, or its bearer token."""
    return current_notes().caller or bearer_token(scope)


def is_control(scope: Scope) -> bool:
    path = scope.get("path", "")
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


async def send_problem(
    send: Send,
    code: str,
    detail: str,
    *,
    status: int | None = None,
    errors: list[dict[str, str]] | None = None,
    extra_headers: dict[str, str] | None = None,
) -> None:
    """A complete problem+json answer; `status` overrides the code's own (injected faults choose one)."""
    body = problem_body(code, detail, errors=errors)
    if status is not None:
        body["status"] = status
    raw = encode(body)
    headers = {**problem_headers(code), **(extra_headers or {})}
    raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw_headers.append((b"content-length", str(len(raw)).encode()))
    await send(
        {"type": "http.response.start", "status": status or CATALOGUE[code].status, "headers": raw_headers}
    )
    await send({"type": "http.response.body", "body": raw})


def rewriting(send: Send, change: Callable[[Message, bytes], tuple[Message, bytes]]) -> Send:
    """A `send` that holds an answer until its last chunk, lets `change` make its start message and
    whole body anew, and sends them on with the Content-Length of the body it made."""
    start: Message = {}
    chunks: list[bytes] = []

    async def buffer(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        start, body = change(start, b"".join(chunks))
        headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return buffer
