"""Input rules the schema cannot express, and what history may show of earlier owners.

openapi.yaml admits these inputs by their schema but its descriptions refuse them with a documented
400: a server that accepts them instead looks healthy to every schema check. All of these are reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..client import ApiClient, ApiResponse
from ..context import SuiteContext
from ..failures import CheckSkipped, expect
from .paging import Walk, walk_pages
from .service_log_checks import LATEST, LIST, SUMMARY, Filter, page_size_for

VEHICLES = "/api/co/vehicles"
EXPORT_TOKEN = "/api/co/service-log/export-token"
HISTORY_LIST = "/api/co/service-log/vehicle-history/list"
VALID_ORG_NR = "921460929"  # the spec's own example of a valid check digit
WRONG_CHECK_DIGIT = "921460920"


def run(ctx: SuiteContext, api: ApiClient, walk: Callable[[], Walk]) -> None:
    ctx.run_check(
        "reg and registration_number naming different vehicles answer 400",
        lambda: alias_conflict_is_refused(api, ctx.options.plates),
    )
    ctx.run_check("date_from after date_to answers 400", lambda: reversed_date_range_is_refused(api))
    ctx.run_check("a wrong mod-11 check digit answers 400", lambda: bad_check_digit_is_refused(api))
    ctx.run_check("page_size bounds: 1 to 100 served, 0 and 101 refused", lambda: page_size_bounds(api))
    ctx.run_check(
        "filters: a plate in lenient form filters like its normalised form",
        lambda: plate_filter_is_normalised(api, walk()),
    )
    ctx.run_check(
        "vehicle history hides earlier owners' private details",
        lambda: history_hides_earlier_owners(api, walk()),
    )


def _refused(response: ApiResponse, code: str, rule_id: str, what: str) -> None:
    expect(
        response.status == 400 and response.problem_code == code,
        rule_id,
        f"{what} answered {response.status} ({response.problem_code}), not 400 {code}",
        response.exchange,
    )


def alias_conflict_is_refused(api: ApiClient, plates: tuple[str, ...]) -> None:
    first, second = list(dict.fromkeys(plates))[:2]
    response = api.get(VEHICLES, params={"registration_number": first, "reg": second})
    _refused(
        response,
        "REGISTRATION_NUMBER_CONFLICT",
        "semantics.alias-conflict-refused",
        f"GET /vehicles?registration_number={first}&reg={second}",
    )
    same = api.get(VEHICLES, params={"registration_number": first, "reg": lenient(first)})
    expect(
        same.status in (200, 404) and same.problem_code != "REGISTRATION_NUMBER_CONFLICT",
        "semantics.alias-conflict-refused",
        f"registration_number={first} and reg={lenient(first)!r} name the same vehicle, yet answered "
        f"{same.status} ({same.problem_code})",
        same.exchange,
    )


def reversed_date_range_is_refused(api: ApiClient) -> None:
    reversed_range = {"date_from": "2025-02-01", "date_to": "2025-01-31"}
    for path in (SUMMARY, EXPORT_TOKEN):
        _refused(
            api.get(path, params=reversed_range),
            "INVALID_DATE_RANGE",
            "read-model.date-range-refused",
            f"{path} with date_from 2025-02-01 after date_to 2025-01-31",
        )
    same_day = api.get(SUMMARY, params={"date_from": "2025-01-31", "date_to": "2025-01-31"})
    expect(
        same_day.status == 200,
        "read-model.date-range-refused",
        f"a one-day range (date_from = date_to, both inclusive) answered {same_day.status}",
        same_day.exchange,
    )


def bad_check_digit_is_refused(api: ApiClient) -> None:
    for path in (LIST, LATEST, SUMMARY):
        _refused(
            api.get(path, params={"workshop_org_nr": WRONG_CHECK_DIGIT}),
            "VALIDATION_FAILED",
            "read-model.org-nr-check-digit",
            f"{path}?workshop_org_nr={WRONG_CHECK_DIGIT}",
        )
    valid = api.get(LIST, params={"workshop_org_nr": VALID_ORG_NR})
    expect(
        valid.status == 200,
        "read-model.org-nr-check-digit",
        f"{LIST}?workshop_org_nr={VALID_ORG_NR} (a valid check digit) answered {valid.status}",
        valid.exchange,
    )


def page_size_bounds(api: ApiClient) -> None:
    for size in (0, 101):
        response = api.get(LIST, params={"page_size": size})
        _refused(response, "VALIDATION_FAILED", "read-model.page-size-bounds", f"{LIST}?page_size={size}")
    largest = api.get(LIST, params={"page_size": 100})
    expect(
        largest.status == 200 and largest.meta.get("page_size") == 100,
        "read-model.page-size-bounds",
        f"{LIST}?page_size=100 answered {largest.status} with meta.page_size "
        f"{largest.meta.get('page_size') if largest.status == 200 else '?'}",
        largest.exchange,
    )


def lenient(plate: str) -> str:
    """The plate as a person types it: lower case, a space after the letters ("bt 57225")."""
    return f"{plate[:2]} {plate[2:]}".lower()


def plate_filter_is_normalised(api: ApiClient, walk: Walk) -> None:
    plates = sorted({entry["registration_number"] for entry in walk.entries})
    if not plates:
        raise CheckSkipped("the service log is empty: no plate to filter by")
    plate = plates[0]
    expected = [entry["id"] for entry in walk.entries if Filter(registration_number=plate).matches(entry)]
    typed = walk_pages(api, LIST, {"registration_number": lenient(plate)}, page_size_for(len(expected)))
    expect(
        typed.ids == expected,
        "read-model.filters-filter",
        f"list with registration_number={lenient(plate)!r} gave {len(typed.ids)} entries; {plate} has "
        f"{len(expected)} (the filter is normalised before use)",
        *typed.exchanges[-1:],
    )
    summary = api.get(SUMMARY, params={"registration_number": lenient(plate)})
    expect(
        summary.status == 200 and summary.data.get("count") == len(expected),
        "read-model.filters-filter",
        f"summary with registration_number={lenient(plate)!r} counts "
        f"{summary.data.get('count') if summary.status == 200 else summary.status}, "
        f"{plate} has {len(expected)}",
        summary.exchange,
    )


def history_hides_earlier_owners(api: ApiClient, walk: Walk) -> None:
    own_ids = {entry["id"] for entry in walk.entries}
    linked = [vehicle["registration_number"] for vehicle in api.get(VEHICLES).data]
    if not linked:
        raise CheckSkipped("no linked vehicle: no history to look at")
    for plate in linked:
        response = api.get(HISTORY_LIST, params={"registration_number": plate, "page_size": 100})
        expect(
            response.status == 200,
            "read-model.history-hides-earlier-owners",
            f"history of {plate} answered {response.status}",
            response.exchange,
        )
        wrong = [_leak(entry, own_ids) for entry in response.data]
        wrong = [problem for problem in wrong if problem]
        expect(
            not wrong,
            "read-model.history-hides-earlier-owners",
            f"history of {plate}: " + "; ".join(wrong[:3]),
            response.exchange,
        )


def _leak(entry: dict[str, Any], own_ids: set[Any]) -> str | None:
    private = sorted({"total_price_nok", "rating", "messages", "message_count", "booking_id"} & set(entry))
    if not entry.get("from_current_owner"):
        if entry.get("service_log_id") is not None or private:
            return (
                f"entry {entry.get('id')} of an earlier owner carries service_log_id "
                f"{entry.get('service_log_id')!r}{' and ' + ', '.join(private) if private else ''}"
            )
        return None
    if entry.get("service_log_id") not in own_ids:
        return f"own entry {entry.get('id')} names service_log_id {entry.get('service_log_id')!r}, not yours"
    return None
