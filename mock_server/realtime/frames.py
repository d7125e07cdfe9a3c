"""Realtime's wire frames, both serializers the client speaks.

- vsn 1.0.0: a JSON object `{"join_ref", "ref", "topic", "event", "payload"}` per text frame.
- vsn 2.0.0: a JSON array `[join_ref, ref, topic, event, payload]` per text frame, and binary
  frames for broadcasts. A client's broadcast push is kind 3 (user_broadcast_push):
  `3, len(join_ref), len(ref), len(topic), len(event), len(metadata), encoding` then the five
  strings and the payload; the server's broadcast to a client is kind 4 (user_broadcast):
  `4, len(topic), len(event), len(metadata), encoding` then topic, event, metadata and payload.
  Lengths are byte counts (one byte each, so at most 255); encoding 0 is raw bytes, 1 JSON.

A frame that cannot be read raises FrameError with a sentence saying why; the socket answers it
without closing (a real server logs it and goes on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

Vsn = Literal["1.0.0", "2.0.0"]
VERSIONS: tuple[Vsn, ...] = ("1.0.0", "2.0.0")
USER_BROADCAST_PUSH = 3
USER_BROADCAST = 4
BINARY_ENCODING = 0
JSON_ENCODING = 1


class FrameError(ValueError):
    """A frame that is not a message of the socket's serializer."""


@dataclass(frozen=True)
class Frame:
    topic: str
    event: str
    payload: dict[str, Any] = field(default_factory=dict)
    ref: str | None = None
    join_ref: str | None = None
    # A broadcast whose user payload travels as raw bytes (binary encoding): the bytes; the
    # payload dict then holds type/event (and meta) only.
    binary: bytes | None = None


def decode(data: str | bytes, vsn: Vsn) -> Frame:
    if isinstance(data, bytes):
        if vsn != "2.0.0":
            raise FrameError("binary frames need the 2.0.0 serializer (vsn=2.0.0)")
        return _decode_binary(data)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FrameError(f"the frame is not JSON ({exc.msg})") from None
    if vsn == "1.0.0":
        if not isinstance(value, dict):
            raise FrameError("a 1.0.0 frame is a JSON object {topic, event, payload, ref}")
        parts = [value.get("join_ref"), value.get("ref"), value.get("topic"), value.get("event")]
        payload = value.get("payload", {})
    else:
        if not isinstance(value, list) or len(value) < 5:
            raise FrameError("a 2.0.0 frame is a JSON array [join_ref, ref, topic, event, payload]")
        parts, payload = value[:4], value[4]
    join_ref, ref, topic, event = parts
    if not isinstance(topic, str) or not isinstance(event, str):
        raise FrameError("topic and event must be strings")
    if not isinstance(payload, dict):
        raise FrameError("the payload must be a JSON object")
    return Frame(topic, event, payload, _ref(ref), _ref(join_ref))


def encode(frame: Frame, vsn: Vsn) -> str | bytes:
    """A text frame, or (2.0.0) a binary kind-4 frame for a broadcast carrying raw bytes."""
    if frame.binary is not None:
        if vsn != "2.0.0":
            raise FrameError("a binary broadcast reaches 2.0.0 sockets only")
        return encode_user_broadcast(
            frame.topic, str(frame.payload.get("event", "")), frame.binary, BINARY_ENCODING
        )
    if vsn == "1.0.0":
        value: Any = {
            "join_ref": frame.join_ref,
            "ref": frame.ref,
            "topic": frame.topic,
            "event": frame.event,
            "payload": frame.payload,
        }
    else:
        value = [frame.join_ref, frame.ref, frame.topic, frame.event, frame.payload]
    return orjson.dumps(value).decode()


def encode_user_broadcast(
    topic: str, event: str, payload: bytes, encoding: int, metadata: dict[str, Any] | None = None
) -> bytes:
    meta = orjson.dumps(metadata) if metadata else b""
    parts = [topic.encode(), event.encode(), meta]
    for name, part in zip(("topic", "event", "metadata"), parts, strict=True):
        if len(part) > 255:
            raise FrameError(f"the {name} is longer than 255 bytes")
    head = bytes([USER_BROADCAST, len(parts[0]), len(parts[1]), len(parts[2]), encoding])
    return head + b"".join(parts) + payload


def encode_user_broadcast_push(
    join_ref: str | None, ref: str | None, topic: str, event: str, payload: bytes, encoding: int
) -> bytes:
    """What a client sends for `channel.send({type: 'broadcast', ...})` under 2.0.0 (for tests)."""
    parts = [(join_ref or "").encode(), (ref or "").encode(), topic.encode(), event.encode(), b""]
    head = bytes([USER_BROADCAST_PUSH, *(len(part) for part in parts), encoding])
    return head + b"".join(parts) + payload


def _decode_binary(data: bytes) -> Frame:
    if not data:
        raise FrameError("an empty binary frame")
    if data[0] != USER_BROADCAST_PUSH:
        raise FrameError(f"binary frames of kind {data[0]} are not accepted (only 3, a broadcast push)")
    if len(data) < 7:
        raise FrameError("the binary frame is shorter than its header")
    sizes = list(data[1:6])
    encoding = data[6]
    offset = 7
    fields: list[str] = []
    for size in sizes:
        chunk = data[offset : offset + size]
        if len(chunk) != size:
            raise FrameError("the binary frame is shorter than its header says")
        try:
            fields.append(chunk.decode())
        except UnicodeDecodeError:
            raise FrameError("a header field of the binary frame is not UTF-8") from None
        offset += size
    join_ref, ref, topic, user_event, metadata = fields
    body = data[offset:]
    message: dict[str, Any] = {"type": "broadcast", "event": user_event}
    if metadata:
        try:
            meta = orjson.loads(metadata)
        except orjson.JSONDecodeError:
            raise FrameError("the binary frame's metadata is not JSON") from None
        if isinstance(meta, dict):
            message.update({k: v for k, v in meta.items() if k not in ("type", "event", "payload")})
    if encoding == JSON_ENCODING:
        try:
            message["payload"] = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise FrameError("the binary frame's JSON payload is not JSON") from None
        return Frame(topic, "broadcast", message, _ref(ref), _ref(join_ref))
    if encoding == BINARY_ENCODING:
        return Frame(topic, "broadcast", message, _ref(ref), _ref(join_ref), binary=bytes(body))
    raise FrameError(f"payload encoding {encoding} is neither 0 (binary) nor 1 (JSON)")


def _ref(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
