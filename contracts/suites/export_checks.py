"""Export tokens: the CSV matches the list, tampering is refused (403), and tokens expire (401)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from ..client import ApiClient, ApiResponse
from ..failures import expect
from ..options import TimeControl
from ..timestamps import timestamp
from .paging import Walk
from .service_log_checks import Filter

TOKEN = "/api/co/service-log/export-token"
DOWNLOAD = "/api/co/service-log/export"
COLUMNS = [
    "id",
    "service_date",
    "registration_number",
    "workshop_org_nr",
    "workshop_name",
    "workshop_city",
    "description",
    "mileage_km",
    "total_price_nok",
    "rating",
]
VALIDITY = timedelta(minutes=15)
VALIDITY_SLACK = timedelta(seconds=60)


def issue(api: ApiClient, chosen: Filter) -> tuple[dict[str, Any], ApiResponse]:
    response = api.get(TOKEN, params=chosen.summary_params())
    expect(
        response.status == 200,
        "read-model.export-download",
        f"export-token answered {response.status}",
        response.exchange,
    )
    grant: dict[str, Any] = response.data
    return grant, response


def download(anonymous: ApiClient, grant: dict[str, Any]) -> ApiResponse:
    """Follows download_url on the target itself (a public URL may name another host)."""
    url = urlsplit(str(grant.get("download_url", "")))
    return anonymous.get(f"{url.path}?{url.query}" if url.query else url.path)


def expiry_is_fifteen_minutes(api: ApiClient) -> None:
    grant, response = issue(api, Filter())
    issued = timestamp(response.meta["generated_at"])
    lifetime = timestamp(grant["expires_at"]) - issued
    expect(
        abs(lifetime - VALIDITY) <= VALIDITY_SLACK,
        "read-model.export-expiry",
        f"expires_at {grant['expires_at']} is {lifetime} after issue ({response.meta['generated_at']}), "
        "not 15 minutes",
        response.exchange,
    )


def download_matches_list(api: ApiClient, anonymous: ApiClient, walk: Walk, chosen: Filter) -> None:
    grant, _ = issue(api, chosen)
    response = download(anonymous, grant)
    expect(
        response.status == 200 and response.content_type == "text/csv",
        "read-model.export-download",
        f"downloading with a fresh token answered {response.status} {response.content_type}",
        response.exchange,
    )
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8"))))
    header = rows[0] if rows else []
    missing = [column for column in COLUMNS if column not in header]
    expect(
        header == COLUMNS,
        "read-model.export-download",
        f"the CSV header is {','.join(header)!r}; expected {','.join(COLUMNS)!r}"
        + (f" (missing: {', '.join(missing)})" if missing else ""),
        response.exchange,
    )
    expected = [entry for entry in walk.entries if chosen.matches(entry)]
    got = [row[0] for row in rows[1:]]
    expect(
        got == [str(entry["id"]) for entry in expected],
        "read-model.export-download",
        f"the CSV with {chosen.describe()} holds ids {got[:10]}…, the list has "
        f"{[entry['id'] for entry in expected][:10]}… ({len(got)} vs {len(expected)} rows)",
        response.exchange,
    )
    for row, entry in zip(rows[1:], expected, strict=True):
        wanted = [
            str(entry["id"]),
            str(entry["service_date"]),
            entry["registration_number"],
            entry["workshop"]["org_nr"],
            str(entry["mileage_km"]),
            str(entry["total_price_nok"]),
            "" if entry.get("rating") is None else str(entry["rating"]),
        ]
        found = [row[0], row[1], row[2], row[3], row[7], row[8], row[9]]
        expect(
            found == wanted,
            "read-model.export-download",
            f"CSV row {row} does not match entry {entry['id']}",
            response.exchange,
        )


def forgeries(token: str) -> tuple[str, ...]:
    """Tokens no server issued: the token with one character changed in each dot-separated segment
    (payload and signature alike), a made-up one, and its first half.

    The character changed is inside its segment, not at the segment's end: in base64url every
    character but a segment's last carries six whole bits, so the decoded bytes change too. The last
    one's low bits may be padding, which a lenient decoder ignores (a server comparing decoded
    signature bytes would rightly accept such a "changed" token as the one it issued)."""
    changed = []
    start = 0
    for segment in token.split("."):
        if segment:
            position = start + (len(segment) - 1) // 2  # never the last of two or more
            replacement = "A" if token[position] != "A" else "B"
            changed.append(token[:position] + replacement + token[position + 1 :])
        start += len(segment) + 1
    return (*changed, "not-a-real-export-token", token[: len(token) // 2])


def tampered_tokens_are_refused(api: ApiClient, anonymous: ApiClient) -> None:
    grant, _ = issue(api, Filter())
    token = str(grant["token"])
    for forged in forgeries(token):
        response = download(anonymous, {"download_url": f"{DOWNLOAD}?token={forged}"})
        expect(
            response.status == 403 and response.problem_code == "EXPORT_TOKEN_INVALID",
            "read-model.export-tampered",
            f"a tampered token answered {response.status} ({response.problem_code}), "
            "not 403 EXPORT_TOKEN_INVALID",
            response.exchange,
        )


def expired_tokens_are_refused(api: ApiClient, anonymous: ApiClient, clock: TimeControl, token: str) -> None:
    grant, _ = issue(api, Filter())
    before = download(anonymous, grant)
    expect(
        before.status == 200,
        "read-model.export-download",
        f"a fresh token answered {before.status}",
        before.exchange,
    )
    clock.advance(token, VALIDITY + timedelta(minutes=1))
    after = download(anonymous, grant)
    expect(
        after.status == 401 and after.problem_code == "EXPORT_TOKEN_EXPIRED",
        "read-model.export-expiry",
        f"16 minutes after issue the token answered {after.status} ({after.problem_code}), not 401 "
        "EXPORT_TOKEN_EXPIRED",
        after.exchange,
    )


def earlier_tokens_stay_valid(api: ApiClient, anonymous: ApiClient) -> None:
    """Each call mints a new token; the one minted before it still downloads."""
    first, _ = issue(api, Filter())
    second, response = issue(api, Filter())
    expect(
        first.get("token") != second.get("token"),
        "read-model.export-new-token-each-call",
        "two export-token calls gave the same token",
        response.exchange,
    )
    again = download(anonymous, first)
    expect(
        again.status == 200,
        "read-model.export-new-token-each-call",
        f"the earlier token answered {again.status} ({again.problem_code}) once a new one was minted",
        again.exchange,
    )
