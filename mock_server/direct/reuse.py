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
off unless `Settings.reuse_answers` (the command's default; `--no-reuse-answers`). On a store
several processes share, another process's change is known only to SharedStateMiddleware's
refresh, which every read still waits for: an answer is kept for the stored version the refresh
found, and asked again only for that version.

The HTTP protocol may answer a kept pure read itself (`direct/wire.py`): what it learned of a whole
request is kept here beside the answers, and forgotten with them.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import orjson

from ..fast_json import compact_json
from ..json_answers import moment_text
from .plan import DirectOperation, Envelope
from .respond import PlainAnswer

MAX_ENTRIES = 4096  # distinct (operation, arguments, base URL) kept at once; then started afresh

Key = tuple[t.Any, ...]
Clock = Callable[[], datetime]


# Stand-ins for the request id and the moment while meta's text is made (control characters: no
# id or moment contains them).
_ID_MARK, _MOMENT_MARK = "\x00\x01", "\x00\x02"


@dataclass(frozen=True)
class _Kept:
    head: bytes  # b'{"data":<the data, encoded>,"meta":'
    meta: tuple[tuple[str, t.Any], ...]  # meta's members in order; the request id and moment are set anew
    # meta's text around the two values made anew, up to the end of the body; and whether the
    # request id comes first
    meta_text: tuple[bytes, bytes, bytes]
    id_first: bool
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
        self._wire: dict[t.Any, t.Any] = {}  # a whole request -> what the wire answers it with
        self._aliases: dict[t.Any, t.Any] = {}  # a request's bytes -> the request

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

    @property
    def current(self) -> bool:
        """What is kept may be sent: nothing is in flight that may change something, and nothing
        ran since it was kept."""
        return self._writers == 0 and self._entries_generation == self.generation

    def answer(
        self, operation: DirectOperation, key: Key, request_id: str, clock: Clock, validate: bool
    ) -> Reused | None:
        """The kept answer for `key` with this request's id and moment (read from `clock`, the
        sandbox's, only when there is one to send), when it may be sent."""
        kept = self._entries.get(key) if self.current else None
        if kept is None:
            return None
        body = self._body(operation, kept, request_id, clock, validate)
        if body is None:
            return None
        id_bytes = request_id.encode("latin-1")
        raw = [(name, id_bytes if value is None else value) for name, value in kept.headers]
        raw.append((b"content-length", str(len(body)).encode("latin-1")))
        return Reused(kept.status, raw, body)

    def body(
        self,
        operation: DirectOperation,
        key: Key,
        request_id: str,
        clock: Clock,
        validate: bool,
        checked_moment: str | None = None,
    ) -> bytes | None:
        """The body alone of the kept answer for `key`, as `answer` would send it; at
        `checked_moment` (from `checked_moment`) when given, instead of the clock's."""
        kept = self._entries.get(key) if self.current else None
        if kept is None:
            return None
        return self._body(operation, kept, request_id, clock, validate, checked_moment)

    def checked_moment(
        self, operation: DirectOperation, key: Key, clock: Clock, validate: bool
    ) -> str | None:
        """The moment's text now by `clock`, when it passed its own check for the kept answer for
        `key`: answers sent at once share it (`body(..., checked_moment=...)`). None: no such
        answer, or its meta is not checked member by member."""
        kept = self._entries.get(key) if self.current else None
        if kept is None:
            return None
        assert operation.reuse is not None
        moment = moment_text(clock())
        if not validate:
            return moment
        check = operation.reuse.meta_checks.get((kept.status, kept.content_type))
        if check is None or check.generated_at is None or not check.generated_at.is_valid(moment):
            return None
        return moment

    def _body(
        self,
        operation: DirectOperation,
        kept: _Kept,
        request_id: str,
        clock: Clock,
        validate: bool,
        checked_moment: str | None = None,
    ) -> bytes | None:
        assert operation.reuse is not None
        moment = moment_text(clock()) if checked_moment is None else checked_moment
        if validate:
            check = operation.reuse.meta_checks.get((kept.status, kept.content_type))
            if check is None:
                return None
            if check.request_id is not None:  # the kept meta passed: only the new values are checked
                if not check.request_id.is_valid(request_id):
                    return None
                if checked_moment is None and not check.generated_at.is_valid(moment):
                    return None
            else:
                envelope = operation.reuse.envelope
                meta = dict(kept.meta)
                meta[envelope.request_id] = request_id
                meta[envelope.generated_at] = moment
                if not check.whole.is_valid(meta):
                    return None
        first, second = (request_id, moment) if kept.id_first else (moment, request_id)
        before, between, after = kept.meta_text
        return b"".join((kept.head, before, orjson.dumps(first), between, orjson.dumps(second), after))

    def keep(
        self, operation: DirectOperation, key: Key, generation: int, answer: PlainAnswer, request_id: str
    ) -> bool:
        """Keep a fresh answer that passed the response check (or validation is off), made while
        nothing changed since `generation`, when it is the envelope exactly; True when kept."""
        if not self.quiet or generation != self.generation:
            return False
        assert operation.reuse is not None
        kept = _kept(operation.reuse.envelope, answer, request_id)
        if kept is None:
            return False
        if self._entries_generation != self.generation or len(self._entries) >= MAX_ENTRIES:
            self._entries, self._wire, self._aliases = {}, {}, {}
            self._entries_generation = self.generation
        self._entries[key] = kept
        return True

    def learn(self, request: t.Any, key: Key, wired: t.Any) -> bool:
        """The wire answers `request` (a whole request, as the wire keys it) with `wired` while the
        answer kept for `key` may be sent; True when learned."""
        if self.current and key in self._entries and len(self._wire) < MAX_ENTRIES:
            self._wire[request] = wired
            return True
        return False

    def wired(self, request: t.Any) -> t.Any:
        """What the wire learned for `request`, while it may be sent; else None."""
        return self._wire.get(request) if self.current else None

    def learn_alias(self, alias: t.Any, request: t.Any) -> None:
        """`alias` (a request's bytes) names `request`, which the wire learned, for as long as it."""
        if self.current and request in self._wire and len(self._aliases) < MAX_ENTRIES:
            self._aliases[alias] = request

    def alias(self, alias: t.Any) -> t.Any:
        """The request `alias` names, while what the wire learned for it may be sent; else None."""
        return self._aliases.get(alias) if self.current else None


def key_of(
    operation: DirectOperation,
    token: str,
    kwargs: dict[str, t.Any],
    base_url: str,
    version: int | None = None,
) -> Key | None:
    """What a pure read's answer is a function of (with the sandbox's state, whose stored `version`
    it is on a store several processes share); None: not hashable."""
    key = (id(operation), token, tuple(sorted(kwargs.items())), base_url, version)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def key_version(key: Key) -> int | None:
    """The stored version a key's answer is of (None: not on a shared store)."""
    return t.cast("int | None", key[-1])


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
    template = _meta_text(envelope, meta)
    if template is None:
        return None
    meta_text, id_first = template
    return _Kept(
        head=head.encode(),
        meta=tuple(meta.items()),
        meta_text=meta_text,
        id_first=id_first,
        headers=headers,
        status=answer.status,
        content_type=answer.content_type,
    )


def _meta_text(envelope: Envelope, meta: dict[str, t.Any]) -> tuple[tuple[bytes, bytes, bytes], bool] | None:
    """meta's text (and the body's end) around its request id and moment, when it is made again
    exactly by putting their JSON text in: the text before, between and after, and whether the
    request id comes first."""
    marked = {**meta, envelope.request_id: _ID_MARK, envelope.generated_at: _MOMENT_MARK}
    text = (compact_json(marked) + "}\n").encode()
    id_mark, moment_mark = orjson.dumps(_ID_MARK), orjson.dumps(_MOMENT_MARK)
    if text.count(id_mark) != 1 or text.count(moment_mark) != 1:
        return None
    id_first = text.index(id_mark) < text.index(moment_mark)
    first, second = (id_mark, moment_mark) if id_first else (moment_mark, id_mark)
    before, rest = text.split(first)
    between, after = rest.split(second)
    values = (meta[envelope.request_id], meta[envelope.generated_at])
    made = b"".join(
        (before, orjson.dumps(values[not id_first]), between, orjson.dumps(values[id_first]), after)
    )
    if made != (compact_json(meta) + "}\n").encode():
        return None
    return (before, between, after), id_first
