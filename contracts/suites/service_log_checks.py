"""Read-model properties of the service log: pages, latest, summary, filters and message threads."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..client import ApiClient
from ..failures import expect
from ..timestamps import timestamp
from .paging import Walk, walk_pages

LIST = "/api/co/service-log/list"
LATEST = "/api/co/service-log/latest"
SUMMARY = "/api/co/service-log/summary"
MESSAGES = "/api/co/service-log/messages/{id}"


def page_size_for(total: int) -> int:
    """Small enough that the walk crosses several pages, never below 1 or above the documented 100."""
    return max(1, min(100, total // 3 or 1))


def pages_check(api: ApiClient) -> Walk:
    total = api.get(LIST, params={"page_size": 1}).meta.get("total", 0)
    walk = walk_pages(api, LIST, {}, page_size_for(int(total)))
    second = walk_pages(api, LIST, {}, max(1, page_size_for(int(total)) + 2))
    expect(
        second.ids == walk.ids,
        "read-model.stable-order",
        "walking with another page size gave a different order",
        *second.exchanges[-1:],
    )
    return walk


def latest_check(api: ApiClient, walk: Walk) -> None:
    for limit in sorted({1, 3, 10, min(100, max(1, walk.total))}):
        response = api.get(LATEST, params={"limit": limit})
        expect(
            response.status == 200,
            "read-model.latest-is-head",
            f"latest?limit={limit} answered {response.status}",
            response.exchange,
        )
        head = walk.entries[:limit]
        expect(
            response.data == head,
            "read-model.latest-is-head",
            f"latest?limit={limit} gave ids {[e.get('id') for e in response.data]}, the head of list is "
            f"{[e['id'] for e in head]}",
            response.exchange,
        )
    default = api.get(LATEST)
    expect(
        default.data == walk.entries[:10],
        "read-model.latest-is-head",
        "latest without limit is not the first 10 entries of list",
        default.exchange,
    )


@dataclass(frozen=True)
class Filter:
    registration_number: str | None = None
    workshop_org_nr: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def list_params(self) -> dict[str, str]:
        pairs = {"registration_number": self.registration_number, "workshop_org_nr": self.workshop_org_nr}
        return {key: value for key, value in pairs.items() if value is not None}

    def summary_params(self) -> dict[str, str]:
        dates = {"date_from": self.date_from, "date_to": self.date_to}
        return {**self.list_params(), **{key: value for key, value in dates.items() if value is not None}}

    def matches(self, entry: Mapping[str, Any]) -> bool:
        day = str(entry["service_date"])
        return (
            (self.registration_number is None or entry["registration_number"] == self.registration_number)
            and (self.workshop_org_nr is None or entry["workshop"]["org_nr"] == self.workshop_org_nr)
            and (self.date_from is None or day >= self.date_from)
            and (self.date_to is None or day <= self.date_to)
        )

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.summary_params().items()) or "no filters"


def sample_filters(walk: Walk, samples: int, seed: int) -> list[Filter]:
    """Filters drawn from the data itself, plus one that matches nothing."""
    chooser = random.Random(seed)
    plates = sorted({entry["registration_number"] for entry in walk.entries})
    workshops = sorted({entry["workshop"]["org_nr"] for entry in walk.entries})
    days = sorted({str(entry["service_date"]) for entry in walk.entries})
    filters = [Filter(), Filter(workshop_org_nr=unused_org_nr(set(workshops)))]
    for _ in range(samples):
        start = chooser.choice(days) if days and chooser.random() < 0.6 else None
        end = (
            chooser.choice([d for d in days if start is None or d >= start])
            if days and chooser.random() < 0.6
            else None
        )
        filters.append(
            Filter(
                registration_number=chooser.choice(plates) if plates and chooser.random() < 0.6 else None,
                workshop_org_nr=chooser.choice(workshops) if workshops and chooser.random() < 0.5 else None,
                date_from=start,
                date_to=end,
            )
        )
    return list(dict.fromkeys(filters))


def unused_org_nr(used: set[str]) -> str:
    """A valid organisation number (mod-11 check digit) that no entry carries."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    for base in range(91234567, 91334567):
        digits = [int(c) for c in str(base)]
        check = 11 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check == 10:
            continue
        number = f"{base}{0 if check == 11 else check}"
        if number not in used:
            return number
    raise ValueError("no unused organisation number found")


def filters_check(api: ApiClient, walk: Walk, chosen: Filter) -> None:
    if chosen.date_from or chosen.date_to:
        return  # list has no date filters; summary_check covers them
    expected = [entry for entry in walk.entries if chosen.matches(entry)]
    filtered = walk_pages(api, LIST, chosen.list_params(), page_size_for(len(expected)))
    stray = [entry["id"] for entry in filtered.entries if not chosen.matches(entry)]
    expect(
        not stray,
        "read-model.filters-filter",
        f"list with {chosen.describe()} holds entries {stray} that do not match it",
        *filtered.exchanges[-1:],
    )
    expect(
        filtered.ids == [entry["id"] for entry in expected],
        "read-model.filters-filter",
        f"list with {chosen.describe()} gave {len(filtered.entries)} entries, the unfiltered list has "
        f"{len(expected)} matching ones",
        *filtered.exchanges[-1:],
    )
    latest = api.get(LATEST, params={**chosen.list_params(), "limit": 100})
    expect(
        latest.data == expected[:100],
        "read-model.filters-filter",
        f"latest with {chosen.describe()} is not the head of the matching entries",
        latest.exchange,
    )


def summary_check(api: ApiClient, walk: Walk, chosen: Filter) -> None:
    response = api.get(SUMMARY, params=chosen.summary_params())
    expect(
        response.status == 200,
        "read-model.summary-agrees",
        f"summary answered {response.status}",
        response.exchange,
    )
    summary = response.data
    matching = [entry for entry in walk.entries if chosen.matches(entry)]
    ratings = [entry["rating"] for entry in matching if entry.get("rating") is not None]
    mean = Fraction(sum(ratings), len(ratings)) if ratings else None
    last = max((str(entry["service_date"]) for entry in matching), default=None)
    problems = []
    if summary.get("count") != len(matching):
        problems.append(f"count {summary.get('count')}, list has {len(matching)}")
    if summary.get("rated_count") != len(ratings):
        problems.append(f"rated_count {summary.get('rated_count')}, list has {len(ratings)} rated")
    reported = summary.get("average_rating")
    if not rounds_to_two_decimals(reported, mean):
        problems.append(f"average_rating {reported}, the list's mean is {_show_mean(mean)}")
    if summary.get("last_service_date") != last:
        problems.append(f"last_service_date {summary.get('last_service_date')}, list gives {last}")
    expect(
        not problems,
        "read-model.summary-agrees",
        f"summary with {chosen.describe()}: " + "; ".join(problems),
        response.exchange,
    )


def rounds_to_two_decimals(reported: Any, mean: Fraction | None) -> bool:
    """Whether `reported` is `mean` rounded to 2 decimals. The spec names no rounding mode, so an exact
    half may go either way (4.125: 4.12 as Python rounds, 4.13 as SQL ROUND and JavaScript toFixed do)."""
    if mean is None or reported is None:
        return mean is None and reported is None
    if isinstance(reported, bool) or not isinstance(reported, int | float):
        return False
    hundredths = Fraction(str(reported)) * 100  # the decimal the server wrote, not its binary neighbour
    return hundredths.denominator == 1 and abs(hundredths - mean * 100) <= Fraction(1, 2)


def _show_mean(mean: Fraction | None) -> str:
    return "none (nothing rated)" if mean is None else f"{float(mean):.6g}"


def messages_check(api: ApiClient, walk: Walk) -> None:
    with_messages = [entry for entry in walk.entries if entry.get("message_count", 0) > 0][:3]
    without = [entry for entry in walk.entries if entry.get("message_count", 0) == 0][:1]
    for entry in with_messages + without:
        response = api.get(MESSAGES.format(id=entry["id"]))
        expect(
            response.status == 200,
            "read-model.messages-of-own-entries",
            f"messages of own entry {entry['id']} answered {response.status}",
            response.exchange,
        )
        thread = response.data
        expect(
            thread.get("service_log_id") == entry["id"] and thread.get("booking_id") == entry["booking_id"],
            "read-model.messages-of-own-entries",
            f"thread of entry {entry['id']} names entry "
            f"{thread.get('service_log_id')} / booking {thread.get('booking_id')}",
            response.exchange,
        )
        messages = thread.get("messages", [])
        expect(
            len(messages) == entry["message_count"],
            "read-model.messages-of-own-entries",
            f"entry {entry['id']} says message_count {entry['message_count']}, "
            f"the thread has {len(messages)}",
            response.exchange,
        )
        sent = [message["sent_at"] for message in messages]
        expect(
            sent == sorted(sent, key=timestamp),
            "read-model.messages-of-own-entries",
            f"the thread of entry {entry['id']} is not oldest first",
            response.exchange,
        )
