"""Both serializers: every frame the server writes reads back the same; the client's binary
broadcast push is read as supabase-js writes it; frames that are not messages are named."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.realtime.frames import (
    BINARY_ENCODING,
    JSON_ENCODING,
    USER_BROADCAST,
    Frame,
    FrameError,
    decode,
    encode,
    encode_user_broadcast,
    encode_user_broadcast_push,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
payloads = st.dictionaries(st.text(max_size=10), json_values, max_size=5)
refs = st.none() | st.integers(1, 10**6).map(str)
topics = st.text(min_size=1, max_size=60)
short = st.text(min_size=1, max_size=40).filter(lambda text: len(text.encode()) <= 255)


@given(
    topic=topics,
    event=st.text(min_size=1, max_size=20),
    payload=payloads,
    ref=refs,
    join_ref=refs,
    vsn=st.sampled_from(["1.0.0", "2.0.0"]),
)
def test_a_text_frame_reads_back_as_it_was_written(topic, event, payload, ref, join_ref, vsn) -> None:
    frame = Frame(topic, event, payload, ref, join_ref)
    written = encode(frame, vsn)
    assert isinstance(written, str)
    assert decode(written, vsn) == frame


def test_the_two_serializers_write_an_object_and_an_array() -> None:
    frame = Frame("phoenix", "phx_reply", {"status": "ok", "response": {}}, "3", None)
    assert orjson.loads(encode(frame, "1.0.0")) == {
        "join_ref": None,
        "ref": "3",
        "topic": "phoenix",
        "event": "phx_reply",
        "payload": {"status": "ok", "response": {}},
    }
    assert orjson.loads(encode(frame, "2.0.0")) == [None, "3", "phoenix", "phx_reply", frame.payload]


@given(topic=short, event=short, payload=payloads, ref=refs, join_ref=refs)
def test_a_json_broadcast_push_is_read_as_the_client_meant_it(topic, event, payload, ref, join_ref) -> None:
    raw = encode_user_broadcast_push(join_ref, ref, topic, event, orjson.dumps(payload), JSON_ENCODING)
    frame = decode(raw, "2.0.0")
    assert (frame.topic, frame.event, frame.ref, frame.join_ref) == (topic, "broadcast", ref, join_ref)
    assert frame.payload == {"type": "broadcast", "event": event, "payload": payload}
    assert frame.binary is None


@given(topic=short, event=short, body=st.binary(max_size=64))
def test_a_binary_broadcast_keeps_its_bytes_to_the_other_clients(topic, event, body) -> None:
    frame = decode(encode_user_broadcast_push("1", "2", topic, event, body, BINARY_ENCODING), "2.0.0")
    assert frame.binary == body
    out = encode(Frame(topic, "broadcast", frame.payload, binary=frame.binary), "2.0.0")
    assert isinstance(out, bytes)
    # kind 4: kind, len(topic), len(event), len(metadata), encoding, topic, event, metadata, payload
    topic_b, event_b = topic.encode(), event.encode()
    assert out[:5] == bytes([USER_BROADCAST, len(topic_b), len(event_b), 0, BINARY_ENCODING])
    assert out[5:] == topic_b + event_b + body


def test_a_user_broadcast_with_metadata_names_its_length() -> None:
    out = encode_user_broadcast("t", "e", b"{}", JSON_ENCODING, {"id": "x"})
    meta = orjson.dumps({"id": "x"})
    assert out[3] == len(meta) and out[5 + 2 : 5 + 2 + len(meta)] == meta


@pytest.mark.parametrize(
    ("data", "vsn", "words"),
    [
        ("not json", "2.0.0", "not JSON"),
        ('{"topic": "t"}', "2.0.0", "JSON array"),
        ('["1", "1", "t", "e"]', "2.0.0", "JSON array"),
        ('["1", "1", "t", "e", 5]', "2.0.0", "payload must be a JSON object"),
        ('[null, null, 5, "e", {}]', "2.0.0", "topic and event must be strings"),
        ("[]", "1.0.0", "JSON object"),
        (b"\x03\x00", "1.0.0", "2.0.0 serializer"),
        (b"", "2.0.0", "empty"),
        (b"\x00\x01", "2.0.0", "kind 0"),
        (b"\x03\x05\x00\x00\x00\x00\x01ab", "2.0.0", "shorter than its header says"),
        (b"\x03\x00\x00\x01\x01\x00\x07te{}", "2.0.0", r"neither 0 \(binary\) nor 1 \(JSON\)"),
        (b"\x03\x00\x00\x01\x01\x00\x01te{", "2.0.0", "JSON payload is not JSON"),
    ],
)
def test_a_frame_that_is_no_message_is_refused_in_words(data, vsn, words) -> None:
    with pytest.raises(FrameError, match=words):
        decode(data, vsn)


def test_raw_bytes_have_no_1_0_0_form() -> None:
    with pytest.raises(FrameError, match=r"2\.0\.0 sockets only"):
        encode(Frame("t", "broadcast", {"event": "e"}, binary=b"x"), "1.0.0")
