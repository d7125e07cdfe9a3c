"""Walking a paged list to its end, checking on the way what every paged list promises."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client import ApiClient, ApiResponse
from ..exchange import Exchange
from ..failures import expect


@dataclass
class Walk:
    entries: list[dict[str, Any]]
    total: int
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def ids(self) -> list[Any]:
        return [entry["id"] for entry in self.entries]


def newest_first_key(entry: Mapping[str, Any]) -> tuple[str, Any]:
    return (str(entry["service_date"]), entry["id"])


def walk_pages(api: ApiClient, path: str, filters: Mapping[str, str], page_size: int) -> Walk:
    """Every page of `path`, and one past the end. Disjointness is checked first, page by page, so a
    repeated entry is reported as such and not as its consequences (a short count, a broken order)."""
    walk = Walk(entries=[], total=0)
    seen: dict[Any, int] = {}
    page, total_pages = 1, 1
    while page <= total_pages:
        response = _page(api, path, filters, page, page_size)
        walk.exchanges.append(response.exchange)
        meta = response.meta
        if page == 1:
            walk.total = meta.get("total", -1)
            expect(
                isinstance(walk.total, int) and walk.total >= 0,
                "read-model.page-meta",
                f"meta.total is {walk.total!r}",
                response.exchange,
            )
            total_pages = math.ceil(walk.total / page_size)
        _expect_meta(meta, page, page_size, walk.total, total_pages, response)
        for entry in response.data:
            expect(
                entry["id"] not in seen,
                "read-model.pages-disjoint",
                f"entry {entry['id']} is on page {seen.get(entry['id'])} and again on page {page}",
                *walk.exchanges[-2:],
            )
            seen[entry["id"]] = page
        expected_size = max(0, min(page_size, walk.total - (page - 1) * page_size))
        expect(
            len(response.data) == expected_size,
            "read-model.pages-cover",
            f"page {page} of {total_pages} holds {len(response.data)} entries, expected {expected_size} "
            f"(total {walk.total}, page_size {page_size})",
            response.exchange,
        )
        walk.entries += response.data
        page += 1
    past_end = _page(api, path, filters, total_pages + 1, page_size)
    expect(
        past_end.data == [],
        "read-model.pages-cover",
        f"page {total_pages + 1} is past the end, yet holds {len(past_end.data)} entries",
        past_end.exchange,
    )
    expect(
        len(walk.entries) == walk.total,
        "read-model.pages-cover",
        f"walking every page gave {len(walk.entries)} entries, meta.total says {walk.total}",
        *walk.exchanges[-1:],
    )
    ordered = sorted(walk.entries, key=newest_first_key, reverse=True)
    misplaced = next(
        (i for i, (a, b) in enumerate(zip(walk.entries, ordered, strict=True)) if a is not b), None
    )
    expect(
        misplaced is None,
        "read-model.stable-order",
        f"entry {misplaced} of the walk ({_describe(walk.entries, misplaced)}) is out of order: expected "
        f"service_date descending, then id descending",
        *walk.exchanges,
    )
    return walk


def _page(api: ApiClient, path: str, filters: Mapping[str, str], page: int, page_size: int) -> ApiResponse:
    response = api.get(path, params={**filters, "page": page, "page_size": page_size})
    expect(
        response.status == 200 and isinstance(response.data, list),
        "read-model.page-meta",
        f"page {page} answered {response.status}",
        response.exchange,
    )
    return response


def _expect_meta(
    meta: Mapping[str, Any], page: int, page_size: int, total: int, total_pages: int, response: ApiResponse
) -> None:
    wanted = {"page": page, "page_size": page_size, "total": total, "total_pages": total_pages}
    wrong = {key: meta.get(key) for key, value in wanted.items() if meta.get(key) != value}
    expect(
        not wrong,
        "read-model.page-meta",
        f"meta {wrong} on page {page}, expected {wanted}",
        response.exchange,
    )


def _describe(entries: list[dict[str, Any]], index: int | None) -> str:
    if index is None:
        return ""
    entry = entries[index]
    return f"id {entry['id']}, {entry['service_date']}"
