"""A document in pieces: the same document back, and the size of it written whole."""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.store.json_pieces import PIECE_ITEMS, compact_size, from_pieces, to_pieces

_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)
_documents = st.dictionaries(st.text(max_size=6), _json | st.lists(_json, max_size=30), max_size=6)


# One property over both claims: generating these documents is most of the cost.
@settings(max_examples=200, deadline=None)
@given(document=_documents, items=st.integers(1, 8))
def test_a_document_comes_back_from_its_pieces_unchanged_and_they_weigh_what_it_weighs_whole(
    document, items: int
) -> None:
    pieces = to_pieces(document, items)
    assert from_pieces(pieces) == document
    assert pieces.compact_size() == len(orjson.dumps(document))


def test_only_long_lists_are_cut_and_no_piece_holds_more_than_its_share() -> None:
    document = {"log": [{"id": n} for n in range(2 * PIECE_ITEMS + 1)], "few": [1, 2], "name": "x"}
    pieces = to_pieces(document)
    assert [key for key, _ in pieces.lists] == ["log"]
    chunks = dict(pieces.lists)["log"]
    assert [len(orjson.loads(chunk)) for chunk in chunks] == [PIECE_ITEMS, PIECE_ITEMS, 1]
    assert orjson.loads(pieces.head) == {"log": [], "few": [1, 2], "name": "x"}
    assert compact_size(document) == len(orjson.dumps(document))
