"""A variation layer: the mock, answering with the freedoms the spec leaves, each chosen by a seed.

The contract suite must pass any correct server, not only the mock's habits. This ASGI wrapper
rewrites each CarOwner JSON answer into another answer the spec equally allows — object keys in
another order, other whitespace, the same instant written with another offset (`Z`, `+00:00`,
`+01:00`) and another number of fractional digits, problem titles and details in other words,
field errors in another order, a service's items and messages sent at the same instant in an
order of the seed's own, and other ids where the spec leaves them to the server — so the suite is
run against servers that differ from the mock wherever the spec says nothing.

Ids are remapped by a bijection per seed (`Ids`), applied to what the server answers and, backwards,
to what the client sends (the entry id in a path, the export token in a query, a client's own
X-Request-ID), so the layer stays a correct server: every id it hands out leads back to the same
thing, and an id it never handed out finds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
OFFSETS = (UTC, *(timezone(timedelta(hours=hours)) for hours in (1, 2, -3)))
REWORDED = ("Request refused", "Se detaljer", "Problem", "Something is not right with this request")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MESSAGES_PATH = re.compile(r"^(/api/co/service-log/messages/)([^/]*)$")
EXPORT_PATH = "/api/co/service-log/export"
EXPORT_TOKEN = re.compile(r"[A-Za-z0-9_.~-]+")  # the spec's ExportTokenValue
TOKEN_IN_URL = re.compile(r"(?<=[?&]token=)[^&#]*")
ENTRY_ID = re.compile(r"^\+?\d+$")  # what the mock reads as an entry id in a path (`+17`, `017`)
# An entry id the mock never hands out: where a client names an id the layer never handed out.
NO_SUCH_ENTRY = 10**15
# The 122 bits of a UUID that are neither its version nor its variant: (shift, width) from the low end.
UUID_FREE_BITS = ((80, 48), (64, 12), (0, 62))


class Ids:
    """The server's own ids written otherwise, one bijection per seed.

    - service-log entry ids (`id`, `service_log_id`, the CSV's id column, the path of
      `messages/{id}`): `scale * id + shift`. The spec orders entries by id where their dates tie, so
      the map keeps the order; an id outside its image names no entry.
    - UUIDs (`request_id`, `booking_id`, message ids, the user in realtime channel names, a client's
      own `X-Request-ID`): a keyed Feistel permutation of the 122 bits besides version and variant.
    - vehicle-history ids (opaque strings, ordered like entry ids): a prefix, which keeps the order.
    - export tokens (opaque, URL-safe): a prefix and the token reversed.
    """

    def __init__(self, chooser: random.Random) -> None:
        self.scale = chooser.choice((1, 2, 3, 7))
        self.shift = chooser.randrange(1, 100_000)
        self._key = chooser.getrandbits(128).to_bytes(16, "big")
        self.history_prefix = chooser.choice(("h-", "hist_", "x", "vh.", "0-"))
        self.token_prefix = chooser.choice(("t.", "mbx~", "v2-", "A"))
        # The spec says nothing of a client's own X-Request-ID: kept (as the mock does) or not.
        self.keeps_client_request_id = chooser.random() < 0.5

    def entry(self, value: int) -> int:
        return self.scale * value + self.shift

    def entry_back(self, value: int) -> int:
        """The mock's id for an id the layer handed out; one no entry has for any other."""
        original, rest = divmod(value - self.shift, self.scale)
        return original if rest == 0 and original >= 1 else NO_SUCH_ENTRY

    def uuid(self, text: str) -> str:
        return str(uuid.UUID(int=self._permute(uuid.UUID(text).int, forward=True)))

    def uuid_back(self, text: str) -> str:
        return str(uuid.UUID(int=self._permute(uuid.UUID(text).int, forward=False)))

    def history(self, text: str) -> str:
        return self.history_prefix + text

    def token(self, text: str) -> str:
        return self.token_prefix + text[::-1]

    def token_back(self, text: str) -> str:
        """The mock's token for one the layer handed out; one the mock refuses (403) for any other."""
        if not text.startswith(self.token_prefix) or text == self.token_prefix:
            return "-" + text[1:]  # never issued: no mock token starts with a dash
        return text[len(self.token_prefix) :][::-1]

    def _permute(self, value: int, *, forward: bool) -> int:
        free = 0
        for shift, width in UUID_FREE_BITS:
            free = (free << width) | ((value >> shift) & ((1 << width) - 1))
        half = (1 << 61) - 1
        left, right = free >> 61, free & half
        rounds = range(4) if forward else range(3, -1, -1)
        for number in rounds:
            if forward:
                left, right = right, left ^ self._round(number, right)
            else:
                left, right = right ^ self._round(number, left), left
        free = (left << 61) | right
        kept = value
        for shift, width in reversed(UUID_FREE_BITS):
            mask = (1 << width) - 1
            kept = (kept & ~(mask << shift)) | ((free & mask) << shift)
            free >>= width
        return kept

    def _round(self, number: int, half: int) -> int:
        digest = hashlib.blake2b(half.to_bytes(8, "big"), key=self._key, person=bytes([number]) * 16)
        return int.from_bytes(digest.digest()[:8], "big") & ((1 << 61) - 1)

    def member(self, key: str | None, value: Any) -> Any:
        """`value` under `key` in an answer, with the server's own ids written this way."""
        if key in ("id", "service_log_id") and isinstance(value, int) and not isinstance(value, bool):
            return self.entry(value)
        if not isinstance(value, str):
            return value
        if key in ("id", "request_id", "booking_id") and UUID_TEXT.fullmatch(value):
            return self.uuid(value)
        if key == "id":
            return self.history(value)
        if key in ("notifications", "bookings", "messages") and value.startswith("user:"):
            return UUID_TEXT.sub(lambda found: self.uuid(found.group()), value)
        if key == "token":
            return self.token(value)
        if key == "download_url":
            return TOKEN_IN_URL.sub(lambda found: quote(self.token(unquote(found.group()))), value)
        return value

    def csv(self, raw: bytes) -> bytes:
        """The export's id column (the first) written this way."""
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for number, row in enumerate(rows):
            if number > 0 and row and row[0].isdigit():
                row = [str(self.entry(int(row[0]))), *row[1:]]
            writer.writerow(row)
        return out.getvalue().encode("utf-8")

    def entry_segment(self, text: str) -> str:
        """An entry id in a path, as the mock must read it (anything the mock refuses, as it was)."""
        if not ENTRY_ID.match(text) or int(text) < 1:
            return text
        return str(self.entry_back(int(text)))

    def token_param(self, raw: str) -> str:
        """An export token in a query: one the spec refuses goes to the mock as it came."""
        text = unquote(raw.replace("+", " "))
        if not EXPORT_TOKEN.fullmatch(text) or len(text) > 2048:
            return raw
        back = self.token_back(text)
        return quote(back, safe="")


class Variation:
    """One consistent way of answering: the same seed answers every request the same way."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        chooser = random.Random(seed)
        self.offset = chooser.choice(OFFSETS)
        self.z_for_utc = chooser.random() < 0.5
        self.fraction_digits = chooser.choice((None, 3, 6))  # None: as the mock wrote it
        self.indent = chooser.choice((None, 1, 2))
        self.spaced = chooser.random() < 0.5
        self.reword = chooser.random() < 0.7
        self.ids = Ids(random.Random(seed * 1_000_033 + 7))

    def body(self, raw: bytes, request_id: int, named: tuple[str, str] | None = None) -> bytes:
        """The answer written this way; `named` is (the mock's, the client's) entry id of the path."""
        shuffle = random.Random(self.seed * 1_000_003 + request_id)
        value = self._vary(json.loads(raw), shuffle, None)
        if named and isinstance(value, dict) and isinstance(value.get("detail"), str) and "code" in value:
            value["detail"] = value["detail"].replace(named[0], named[1])  # a problem naming the id asked
        separators = (", ", ": ") if self.spaced else (",", ":")
        return json.dumps(value, ensure_ascii=False, indent=self.indent, separators=separators).encode()

    def _vary(self, value: Any, shuffle: random.Random, key: str | None) -> Any:
        if isinstance(value, dict):
            items = [(name, self._vary(inner, shuffle, name)) for name, inner in value.items()]
            shuffle.shuffle(items)
            varied = dict(items)
            if self.reword and "code" in varied and "status" in varied:  # a problem answer
                varied["title"] = shuffle.choice(REWORDED)
                if "detail" in varied:
                    varied["detail"] = shuffle.choice(REWORDED) + "."
            if isinstance(varied.get("errors"), list):
                shuffle.shuffle(varied["errors"])  # the spec gives field errors no order
            return varied
        if isinstance(value, list):
            varied_list = [self._vary(inner, shuffle, None) for inner in value]
            if key == "items":  # a service's items: the spec gives them no order
                return sorted(varied_list, key=self._rank)
            if key == "messages" and all(isinstance(inner, dict) for inner in varied_list):
                return self._ties_reordered(varied_list, value)
            return varied_list
        if isinstance(value, str) and INSTANT.match(value):
            return self.instant(value)
        return self.ids.member(key, value)

    def _rank(self, value: Any) -> bytes:
        """A stable order of this seed's own: the same entries come in the same order every time."""
        written = json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.blake2b(written, key=self.seed.to_bytes(8, "big"), digest_size=8).digest()

    def _ties_reordered(self, varied: list[dict[str, Any]], original: list[Any]) -> list[dict[str, Any]]:
        """Oldest message first, as the spec says; messages sent at the same instant in an order of
        this seed's own (the spec orders only by time)."""
        groups: list[list[int]] = []
        for index, message in enumerate(original):
            sent = message.get("sent_at") if isinstance(message, dict) else None
            if groups and sent is not None and sent == original[groups[-1][0]].get("sent_at"):
                groups[-1].append(index)
            else:
                groups.append([index])
        return [varied[i] for group in groups for i in sorted(group, key=lambda i: self._rank(original[i]))]

    def instant(self, text: str) -> str:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(self.offset)
        if self.fraction_digits is None:
            written = moment.isoformat()
        else:
            written = moment.isoformat(timespec="microseconds")
            if self.fraction_digits == 3 and moment.microsecond % 1000 == 0:
                written = written.replace(f".{moment.microsecond:06d}", f".{moment.microsecond // 1000:03d}")
        if self.z_for_utc and written.endswith("+00:00"):
            written = written[: -len("+00:00")] + "Z"
        return written

    def request(self, scope: Scope) -> tuple[Scope, tuple[str, str] | None]:
        """The request as the mock must see it: ids the client sent back, turned into the mock's."""
        path = scope["path"]
        named = None
        found = MESSAGES_PATH.match(path)
        if found:
            mock_id = self.ids.entry_segment(found.group(2))
            if mock_id != found.group(2):
                named = (mock_id, found.group(2))
                path = found.group(1) + mock_id
        query = scope.get("query_string", b"")
        if path == EXPORT_PATH and query:
            query = b"&".join(self._token_pair(pair) for pair in query.split(b"&"))
        headers = []
        for name, value in scope.get("headers", []):
            if name.lower() == b"x-request-id":
                value = self._client_request_id(value)
                if value is None:
                    continue
            headers.append((name, value))
        changed: dict[str, Any] = {"query_string": query, "headers": headers}
        if path != scope["path"]:
            changed |= {"path": path, "raw_path": quote(path).encode()}
        return {**scope, **changed}, named

    def _token_pair(self, pair: bytes) -> bytes:
        name, equals, value = pair.partition(b"=")
        if unquote(name.decode("latin-1")) != "token" or not equals:
            return pair
        return name + b"=" + self.ids.token_param(value.decode("latin-1")).encode("latin-1")

    def _client_request_id(self, value: bytes) -> bytes | None:
        try:
            client = uuid.UUID(value.decode("latin-1"))
        except ValueError:
            return value  # not a UUID: the mock replaces it with its own, and so does this server
        if not self.ids.keeps_client_request_id:
            return None
        return self.ids.uuid_back(str(client)).encode()

    def response_headers(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        varied = []
        for name, value in headers:
            if name.lower() == b"x-request-id" and UUID_TEXT.fullmatch(value.decode("latin-1")):
                value = self.ids.uuid(value.decode("latin-1")).encode()
            varied.append((name, value))
        return varied


class VariationLayer:
    """ASGI middleware: CarOwner answers (`/api/co/...`) rewritten by a Variation, and the ids in
    CarOwner requests rewritten back."""

    def __init__(self, app: ASGIApp, variation: Variation) -> None:
        self.app = app
        self.variation = variation
        self._requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/co/"):
            await self.app(scope, receive, send)
            return
        self._requests += 1
        request_id = self._requests
        scope, named = self.variation.request(scope)
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            content_type = dict(start["headers"]).get(b"content-type", b"")
            if body and b"json" in content_type:
                body = self.variation.body(body, request_id, named)
            elif body and content_type.startswith(b"text/csv"):
                body = self.variation.ids.csv(body)
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": self.variation.response_headers(headers)})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)
