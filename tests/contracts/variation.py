"""A variation layer: the mock, answering with the freedoms the spec leaves, each chosen by a seed.

The contract suite must pass any correct server, not only the mock's habits. This ASGI wrapper
rewrites each CarOwner JSON answer into another answer the spec equally allows — object keys in
another order, other whitespace, the same instant written with another offset (`Z`, `+00:00`,
`+01:00`) and another number of fractional digits, problem titles and details in other words, and
field errors in another order — so the suite is run against servers that differ from the mock
wherever the spec says nothing.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
OFFSETS = (UTC, *(timezone(timedelta(hours=hours)) for hours in (1, 2, -3)))
REWORDED = ("Request refused", "Se detaljer", "Problem", "Something is not right with this request")


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

    def body(self, raw: bytes, request_id: int) -> bytes:
        shuffle = random.Random(self.seed * 1_000_003 + request_id)
        value = self._vary(json.loads(raw), shuffle)
        separators = (", ", ": ") if self.spaced else (",", ":")
        return json.dumps(value, ensure_ascii=False, indent=self.indent, separators=separators).encode()

    def _vary(self, value: Any, shuffle: random.Random) -> Any:
        if isinstance(value, dict):
            items = [(key, self._vary(inner, shuffle)) for key, inner in value.items()]
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
            return [self._vary(inner, shuffle) for inner in value]
        if isinstance(value, str) and INSTANT.match(value):
            return self.instant(value)
        return value

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


class VariationLayer:
    """ASGI middleware: CarOwner JSON answers (`/api/co/...`) rewritten by a Variation."""

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
                body = self.variation.body(body, request_id)
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)
