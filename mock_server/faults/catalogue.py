"""Every planted fault by name, with the rule of the API it breaks."""

from __future__ import annotations

FAULTS: dict[str, str] = {
    "primary-fallback-oldest": "unlinking the primary promotes the least recently updated vehicle",
    "relink-201": "linking an already linked vehicle answers 201 instead of 200",
    "unlink-deletes-record": "unlinking deletes the vehicle record, so a re-link fetches it anew",
    "page-repeats-item": "each service-log page after the first repeats the previous page's last item",
    "summary-miscounts": "the service-log summary counts one entry too many",
    "latest-not-head": "service-log latest returns the oldest entries first",
    "page-size-default-10": "the service-log list pages 10 entries when page_size is not given, not 20",
    "accept-unknown-event": "notification settings silently accept unknown events",
    "partial-preferences-write": "a rejected notification update still applies its known events",
    "accept-missing-token": "a request without a token is served as some other user",
    "accept-wrong-token": "an unknown token is served as some other user",
    "sandbox-leak": "the vehicle list shows vehicles of every sandbox",
    "vehicles-newest-first": "the vehicle list shows the other vehicles newest link first, not oldest",
    "drop-required-field": "vehicle list items lack the required field `make`",
    "naive-datetime": "meta.generated_at loses its time zone",
    "export-token-never-expires": "export tokens are accepted after they expire",
    "export-token-repeats": "export-token answers the token it gave before for the same filters",
    "history-ignores-primary": "vehicle history without a plate uses a vehicle that is not the primary",
    "updated-at-frozen": "a nickname or image update leaves the vehicle's updated_at where it was",
    "registry-null-fields": "the registry fake sends null instead of omitting a field",
    "registry-both-params-accepted": (
        "the registry fake answers a lookup with both kjennemerke and understellsnummer"
    ),
}


def check_fault_names(names: frozenset[str]) -> None:
    unknown = sorted(names - FAULTS.keys())
    if unknown:
        raise ValueError(
            f"unknown planted fault(s): {', '.join(unknown)}; known: {', '.join(sorted(FAULTS))}"
        )
