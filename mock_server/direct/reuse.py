"""Serialise once: a pure read's checked answer sent again while nothing may have changed.

An API declares its pure reads (`DirectApi.pure_reads`): operations whose `data` depends only on
the sandbox's state, the handler's arguments and the base URL the request reached. Their answer is
`{data, meta}` with the request id and the moment (on the sandbox's clock) made anew each time
(`Envelope`). The first answer to (operation, arguments, base URL) is kept as text: the encoded
data exactly as it went out, the other members of meta, the headers' names, and whether the
response check accepted it. A later request with the same key gets `data` as those very bytes,
which were checked, with a fresh request id and moment in a meta that is checked again on its own
(only where the schema makes the whole check "data passes and meta passes"; `plan._meta_check`).

"Nothing may have changed" is kept for the whole world, conservatively: a generation counter
moves before and after every other HTTP request (any request the fast lane does not serve as a pure
read: writes, the controls, every refusal, every other read), and nothing is reused or kept while
one of those is in flight. Every change to a sandbox is made by such a request (the clock, resets,
workshop events and builds are the control API's); the Realtime doors change no sandbox. Anything
that changes a world from outside a request (a test's hand on it) must not run with reuse on: it is
off unless `Settings.reuse_answers` (the command's default; `--no-reuse-answers`), and off on a
store several processes share (another process's change is known only to SharedStateMiddleware's
refresh).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ..fast_json import compact_json
from ..json_answers import timestamp
from ..request_context import current_time
from .plan import DirectOperation, Envelope
from .respond import PlainAnswer

MAX_ENTRIES = 4096  # distinct (operation, arguments, base URL) kept at once; then started afresh

Key = tuple[t.Any, ...]


@dataclass(frozen=True)
class _Kept:
    head: bytes  # b'{"data":<the data, encoded>,"meta":'
    meta: tuple[tuple[str, t.Any], ...]  # meta's members in order; the request id and moment are set anew
    headers: tuple[tuple[bytes, bytes | None], ...]  # raw, before Content-Length; None: the request id
    status: int
    content_type: str


class Reused(t.NamedTuple):
    """A kept answer made for this request: what Starlette's Response would send for it."""

    status: int
    raw_headers: list[tuple[bytes, bytes]]
    body: bytes


class AnswerCache:
    def __init__(self) -> None:
        self.generation = 0
        self._writers = 0  # requests in flight that may change something
        self._entries: dict[Key, _Kept] = {}
        self._entries_generation = 0

    def writing(self) -> None:
        """A request that may change something starts."""
        self._writers += 1
        self.generation += 1

    def written(self) -> None:
        """... and has ended."""
        self._writers -= 1
        self.generation += 1

    @property
    def quiet(self) -> bool:
        """Nothing is in flight that may change something."""
        return self._writers == 0

    def answer(self, operation: DirectOperation, key: Key, request_id: str, validate: bool) -> Reused | None:
        """The kept answer for `key` with this request's id and moment (on the clock in use), when
        it may be sent."""
        if not self.quiet or self._entries_generation != self.generation:
            return None
        kept = self._entries.get(key)
        if kept is None:
            return None
        assert operation.reuse is not None
        envelope = operation.reuse.envelope
        meta = dict(kept.meta)
        meta[envelope.request_id] = request_id
        meta[envelope.generated_at] = timestamp(current_time())
        if validate:
            check = operation.reuse.meta_checks.get((kept.status, kept.content_type))
            if check is None or not check.is_valid(meta):
                return None
        body = kept.head + compact_json(meta).encode() + b"}\n"
        id_bytes = request_id.encode("latin-1")
        raw = [(name, id_bytes if value is None else value) for name, value in kept.headers]
        raw.append((b"content-length", str(len(body)).encode("latin-1")))
        return Reused(kept.status, raw, body)

    def keep(
        self, operation: DirectOperation, key: Key, generation: int, answer: PlainAnswer, request_id: str
    ) -> None:
        """Keep a fresh answer that passed the response check (or validation is off), made while
        nothing changed since `generation`, when it is the envelope exactly."""
        if not self.quiet or generation != self.generation:
            return
        assert operation.reuse is not None
        kept = _kept(operation.reuse.envelope, answer, request_id)
        if kept is None:
            return
        if self._entries_generation != self.generation or len(self._entries) >= MAX_ENTRIES:
            self._entries = {}
            self._entries_generation = self.generation
        self._entries[key] = kept


def key_of(operation: DirectOperation, token: str, kwargs: dict[str, t.Any], base_url: str) -> Key | None:
    """What a pure read's answer is a function of (with the sandbox's state); None: not hashable."""
    key = (id(operation), token, tuple(sorted(kwargs.items())), base_url)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _kept(envelope: Envelope, answer: PlainAnswer, request_id: str) -> _Kept | None:
    body = answer.data
    if not isinstance(body, dict) or list(body) != [envelope.data, envelope.meta]:
        return None
    meta = body[envelope.meta]
    if (
        not isinstance(meta, dict)
        or meta.get(envelope.request_id) != request_id
        or not isinstance(meta.get(envelope.generated_at), str)
    ):
        return None
    # Only the Content-Type and the request id, then the Content-Length: made again from these.
    raw, length = answer.raw_headers[:-1], answer.raw_headers[-1]
    id_header = (b"x-request-id", request_id.encode("latin-1"))
    type_header = (b"content-type", answer.content_type.encode("latin-1"))
    if length != (b"content-length", str(len(answer.body)).encode("latin-1")) or sorted(raw) != sorted(
        [id_header, type_header]
    ):
        return None
    headers = tuple((key, None if key == b"x-request-id" else value) for key, value in raw)
    head = "{" + compact_json(envelope.data) + ":" + compact_json(body[envelope.data]) + ","
    head += compact_json(envelope.meta) + ":"
    # Kept only when the text sent is exactly head + meta + "}\n": what is sent again is what went out.
    if answer.text != head + compact_json(meta) + "}\n":
        return None
    return _Kept(
        head=head.encode(),
        meta=tuple(meta.items()),
        headers=headers,
        status=answer.status,
        content_type=answer.content_type,
    )
