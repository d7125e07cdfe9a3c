"""A big JSON document (a sandbox's state) as compact JSON in pieces, and back.

orjson writes or parses a whole document in one call that holds the GIL: for a sandbox of
10 000 service-log entries (4 MB) that is 10–20 ms, in which the event loop cannot run. In
pieces of at most `PIECE_ITEMS` list items each call stays well under a millisecond, and a
thread doing the work hands the GIL back between them.

Only the document's top-level lists are cut up (that is where a sandbox's volume is: vehicles,
links, service log); everything else travels in the head.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

PIECE_ITEMS = 256


@dataclass(frozen=True)
class Pieces:
    """A document as its head (the big lists left empty) and each big list's items in pieces."""

    head: bytes
    lists: tuple[tuple[str, tuple[bytes, ...]], ...]

    def compact_size(self) -> int:
        """The length of `orjson.dumps(document)`: each empty list of the head filled in."""
        size = len(self.head)
        for _, chunks in self.lists:
            size += sum(len(chunk) - 2 for chunk in chunks) + len(chunks) - 1  # items and commas
        return size


def to_pieces(document: dict[str, Any], items: int = PIECE_ITEMS) -> Pieces:
    big = [key for key, value in document.items() if isinstance(value, list) and len(value) > items]
    head = orjson.dumps({key: [] if key in big else value for key, value in document.items()})
    lists = tuple(
        (
            key,
            tuple(
                orjson.dumps(document[key][start : start + items])
                for start in range(0, len(document[key]), items)
            ),
        )
        for key in big
    )
    return Pieces(head, lists)


def from_pieces(pieces: Pieces) -> dict[str, Any]:
    document = orjson.loads(pieces.head)
    for key, chunks in pieces.lists:
        items: list[Any] = []
        for chunk in chunks:
            items += orjson.loads(chunk)
        document[key] = items
    return document


def compact_size(document: dict[str, Any]) -> int:
    """`len(orjson.dumps(document))`, written in pieces."""
    return to_pieces(document).compact_size()
