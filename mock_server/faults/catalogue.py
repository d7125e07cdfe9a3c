"""Every planted fault by name, with the rule of the API it breaks."""

from __future__ import annotations

from collections.abc import Mapping

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
    # vehicles
    "link-ignores-nickname": "a newly linked vehicle loses the nickname sent with it",
    "unlink-answers-unlinked-false": "unlinking answers unlinked: false (read as 'record deleted')",
    "set-primary-keeps-old-primary": "set-primary marks the new primary without clearing the old one",
    "set-primary-not-stored": "set-primary answers is_primary: true but does not store it",
    "nickname-update-clears-image": "an update of the nickname alone removes the vehicle's image",
    "refresh-drops-custom-image": "a registry refresh overwrites the owner's image with none",
    "vehicle-list-omits-nickname": "the vehicle list shows every nickname as null",
    "not-linked-answers-not-found-code": "an unlinked vehicle is refused with code VEHICLE_NOT_FOUND",
    "conflicting-aliases-accepted": "reg and registration_number differing: registration_number wins",
    "unlinked-vehicle-still-readable": "an unlinked vehicle's details are still served (never evicted)",
    "new-link-not-readable": "a new link's details answer 404 until its first update",
    "foreign-vehicle-updatable": "PUT /vehicles/{reg} updates another user's vehicle of that plate",
    # notification settings
    "preferences-update-spreads-to-event": "one channel given for an event sets both of its channels",
    "preferences-shared-between-users": "a preferences update is written for every user",
    "preferences-refuse-all-off": "an update that turns any channel off is refused with 400",
    # service log and history
    "total-pages-off-by-one": "meta.total_pages is total // page_size + 1 (wrong when it divides, and for 0)",
    "last-page-short": "the last of several service-log pages ends one entry early",
    "service-log-pages-cut-before-sorting": "service-log pages are cut in id order, then each sorted",
    "messages-newest-first": "a message thread comes newest first",
    "history-leaks-earlier-owner": "vehicle history gives earlier owners' visits a service_log_id",
    "export-ignores-plate-filter": "the export CSV ignores the token's registration_number filter",
    "export-token-signature-unchecked": "export tokens are decoded without checking their signature",
    "isolation-service-log-leak": "the messages of any user's service-log entry are served by id",
    "accepts-reversed-date-range": "date_from after date_to is swapped instead of refused",
    "accepts-bad-org-nr-checksum": "a workshop_org_nr with a wrong mod-11 check digit is accepted",
    "page-size-over-100-accepted": "page_size over 100 is served as 100 instead of refused",
    "limit-over-100-accepted": "limit over 100 is served as 100 instead of refused",
    "page-size-100-crashes": "a paged list with page_size 100 (the documented maximum) answers 500",
    "filter-skips-plate-normalisation": "a service-log filter plate typed in lenient form matches nothing",
    # transport and errors
    "unauthenticated-as-plain-json": "401 problems are sent as application/json",
    "problem-as-plain-json": "the messages endpoint sends its 404 problems as application/json",
    "validation-answers-422": "PUT /vehicles/{reg} answers validation failures with 422, undocumented",
    "request-id-mismatch": "X-Request-ID differs from the request id in the body",
    "export-without-content-disposition": "the CSV download lacks its documented Content-Disposition",
    "naive-timestamp-in-list": "the vehicle list's linked_at loses its time zone",
    "realtime-drops-booking-events": "booking events never reach the realtime bookings channel",
    "realtime-joins-any-channel": "a realtime join of another user's channel is accepted",
    "realtime-config-ignores-token": "GET /realtime/config without a token is served as some user",
    "export-token-ignores-token": "GET /service-log/export-token without a token is served as some user",
    "unknown-method-answers-404": "an undocumented method on the summary path answers 404, not 405",
    "allow-header-lists-every-method": "a 405 from the set-primary path lists every method in Allow",
    # registry fake
    "registry-accepts-any-key": "the registry fake serves requests with a missing or unknown API key",
    "registry-unknown-plate-empty-list": "an unknown vehicle answers an empty kjoretoydataListe",
    "registry-plate-without-space": "the registry fake writes plates without the space",
    "registry-naive-timestamps": "the registry fake's timestamps lose their offset",
    "registry-numbers-as-strings": "the registry fake writes numbers as strings",
    "registry-vin-lookup-not-found": "a lookup by understellsnummer drops its last character",
}


def check_fault_names(names: frozenset[str], more: Mapping[str, str] | None = None) -> None:
    """`more`: the planted faults of the API packs served."""
    known = {**FAULTS, **(more or {})}
    unknown = sorted(names - known.keys())
    if unknown:
        raise ValueError(f"unknown planted fault(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
