"""The documented defaults of the paged and `latest` reads: page 1, page_size 20, limit 10."""

from __future__ import annotations

from ..client import ApiClient
from ..failures import expect
from .history_checks import HISTORY_LATEST, HISTORY_LIST
from .paging import Walk
from .service_log_checks import LIST

RULE = "read-model.paging-defaults"
DEFAULT_PAGE_SIZE = 20
DEFAULT_LIMIT = 10


def service_log_defaults(api: ApiClient, walk: Walk) -> None:
    """list without page or page_size is page 1 of 20 entries."""
    response = api.get(LIST)
    expect(
        response.status == 200, RULE, f"list without parameters answered {response.status}", response.exchange
    )
    meta = response.meta
    expect(
        (meta.get("page"), meta.get("page_size")) == (1, DEFAULT_PAGE_SIZE),
        RULE,
        f"list without parameters reports page {meta.get('page')!r}, page_size {meta.get('page_size')!r}; "
        f"the documented defaults are 1 and {DEFAULT_PAGE_SIZE}",
        response.exchange,
    )
    expect(
        response.data == walk.entries[:DEFAULT_PAGE_SIZE],
        RULE,
        f"list without parameters holds ids {[e.get('id') for e in response.data]}, the first "
        f"{DEFAULT_PAGE_SIZE} entries are {walk.ids[:DEFAULT_PAGE_SIZE]}",
        response.exchange,
    )


def history_defaults(api: ApiClient) -> bool:
    """The same defaults for vehicle history (of the primary); False when there is no primary."""
    default_list = api.get(HISTORY_LIST)
    if default_list.status == 404:
        return False  # no primary vehicle: history_defaults_to_primary checks that answer
    explicit = api.get(HISTORY_LIST, params={"page": 1, "page_size": DEFAULT_PAGE_SIZE})
    meta = default_list.meta
    expect(
        (meta.get("page"), meta.get("page_size")) == (1, DEFAULT_PAGE_SIZE)
        and default_list.data == explicit.data,
        RULE,
        f"vehicle-history/list without page or page_size is not page 1 of {DEFAULT_PAGE_SIZE} entries "
        f"(meta page {meta.get('page')!r}, page_size {meta.get('page_size')!r})",
        default_list.exchange,
        explicit.exchange,
    )
    default_latest = api.get(HISTORY_LATEST)
    explicit_latest = api.get(HISTORY_LATEST, params={"limit": DEFAULT_LIMIT})
    expect(
        default_latest.status == 200 and default_latest.data == explicit_latest.data,
        RULE,
        f"vehicle-history/latest without limit gave {len(default_latest.data)} entries, not the "
        f"{DEFAULT_LIMIT} of limit={DEFAULT_LIMIT}",
        default_latest.exchange,
        explicit_latest.exchange,
    )
    return True
