"""The rule matrix: for every rule of the catalogue, where the spec states it, the checks that test it
and the planted faults that prove those checks catch a break.

Checks are named `module:function` below `contracts`. Planted faults are the mock's fault switches,
kept here as plain names (the suite never imports the mock); a test cross-checks them against the
mock's own list and against the table of faults the suite is proven on. `minbil-contracts rules`
prints this matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import RULES, Rule

SEMANTICS = "API-SEMANTICS.md"
CONVENTIONS = f"{SEMANTICS} Conventions"


@dataclass(frozen=True)
class Coverage:
    stated: str
    checks: tuple[str, ...]
    faults: tuple[str, ...] = ()


def _tuple(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def _c(stated: str, checks: str | tuple[str, ...], faults: str | tuple[str, ...] = ()) -> Coverage:
    return Coverage(stated, _tuple(checks), _tuple(faults))


_SCHEMATHESIS = "suites.conformance:run"
_VEHICLES_MACHINE = "machines.vehicles:vehicle_machine"
_PREFERENCES_MACHINE = "machines.preferences:preferences_machine"

COVERAGE: dict[str, Coverage] = {
    # --- conformance
    "conformance.server-error": _c(
        "openapi.yaml responses (no 5xx documented but 503)", _SCHEMATHESIS, "page-size-100-crashes"
    ),
    "conformance.status-code": _c(
        "openapi.yaml responses of every operation", _SCHEMATHESIS, "validation-answers-422"
    ),
    "conformance.content-type": _c(
        "openapi.yaml response content types; info: Errors",
        ("client:ApiClient.request", _SCHEMATHESIS),
        "problem-as-plain-json",
    ),
    "conformance.response-schema": _c(
        "openapi.yaml components/schemas",
        ("client:ApiClient.request", _SCHEMATHESIS),
        ("drop-required-field", "naive-datetime"),
    ),
    "conformance.response-headers": _c(
        "openapi.yaml response headers (X-Request-ID, Content-Disposition)",
        _SCHEMATHESIS,
        "export-without-content-disposition",
    ),
    "conformance.negative-data-rejection": _c(
        "openapi.yaml parameter and body schemas", _SCHEMATHESIS, "limit-over-100-accepted"
    ),
    "conformance.positive-data-acceptance": _c(
        "openapi.yaml parameter and body schemas", _SCHEMATHESIS, "preferences-refuse-all-off"
    ),
    "conformance.missing-required-header": _c(
        "openapi.yaml security (the Authorization header)", _SCHEMATHESIS, "realtime-config-ignores-token"
    ),
    "conformance.unsupported-method": _c(
        "HTTP semantics (RFC 9110 §15.5.6)", _SCHEMATHESIS, "unknown-method-answers-404"
    ),
    "conformance.allow-header": _c(
        "HTTP semantics (RFC 9110 §10.2.1)", _SCHEMATHESIS, "allow-header-lists-every-method"
    ),
    "conformance.ignored-auth": _c(
        "openapi.yaml security; " + CONVENTIONS, _SCHEMATHESIS, "export-token-ignores-token"
    ),
    "conformance.use-after-free": _c(
        "DELETE /api/co/vehicles", ("suites.links:run", _SCHEMATHESIS), "unlinked-vehicle-still-readable"
    ),
    "conformance.resource-availability": _c(
        "openapi.yaml links; POST /api/co/vehicles",
        ("suites.links:run", _SCHEMATHESIS),
        "new-link-not-readable",
    ),
    "conformance.object-level-authorization": _c(f"{CONVENTIONS} (sandboxes)", _SCHEMATHESIS),
    "conformance.engine-error": _c("(the harness)", _SCHEMATHESIS),
    "conformance.request-id": _c(
        "openapi.yaml info: Request ids; " + CONVENTIONS, "client:ApiClient.request", "request-id-mismatch"
    ),
    "conformance.timezone-aware": _c(
        CONVENTIONS + " (timestamps timezone-aware)", "client:ApiClient.request", "naive-timestamp-in-list"
    ),
    # --- semantics
    "semantics.link-new-201": _c("POST /api/co/vehicles", _VEHICLES_MACHINE, "link-ignores-nickname"),
    "semantics.link-idempotent": _c("POST /api/co/vehicles", _VEHICLES_MACHINE, "relink-201"),
    "semantics.unlink-keeps-record": _c(
        "DELETE /api/co/vehicles", _VEHICLES_MACHINE, "unlink-deletes-record"
    ),
    "semantics.unlink-response": _c(
        "DELETE /api/co/vehicles (UnlinkResult)", _VEHICLES_MACHINE, "unlink-answers-unlinked-false"
    ),
    "semantics.single-primary": _c(
        f"{SEMANTICS} Vehicles (invariant)", _VEHICLES_MACHINE, "set-primary-keeps-old-primary"
    ),
    "semantics.primary-fallback": _c("DELETE /api/co/vehicles", _VEHICLES_MACHINE, "primary-fallback-oldest"),
    "semantics.set-primary": _c(
        "POST /api/co/vehicles/set-primary",
        (_VEHICLES_MACHINE, "suites.history_checks:history_follows_set_primary"),
        "set-primary-not-stored",
    ),
    "semantics.update-applies": _c(
        "PUT /api/co/vehicles/{reg}", _VEHICLES_MACHINE, "nickname-update-clears-image"
    ),
    "semantics.updated-at-bumps": _c("PUT /api/co/vehicles/{reg}", _VEHICLES_MACHINE, "updated-at-frozen"),
    "semantics.refresh-keeps-link": _c(
        "POST /api/co/vehicles/refresh/{reg}", _VEHICLES_MACHINE, "refresh-drops-custom-image"
    ),
    "semantics.vehicles-match-model": _c(
        "GET /api/co/vehicles", _VEHICLES_MACHINE, "vehicle-list-omits-nickname"
    ),
    "semantics.vehicle-list-order": _c(
        "GET /api/co/vehicles (Decision: order)",
        "vehicle_order:expect_documented_order",
        "vehicles-newest-first",
    ),
    "semantics.not-linked-404": _c(
        "GET/PUT/DELETE /api/co/vehicles (VEHICLE_NOT_LINKED)",
        _VEHICLES_MACHINE,
        "not-linked-answers-not-found-code",
    ),
    "semantics.preferences-merge": _c(
        "PUT /api/co/settings/notifications", _PREFERENCES_MACHINE, "preferences-update-spreads-to-event"
    ),
    "semantics.preferences-reject-unknown": _c(
        "PUT /api/co/settings/notifications", _PREFERENCES_MACHINE, "accept-unknown-event"
    ),
    "semantics.preferences-atomic": _c(
        "PUT /api/co/settings/notifications", _PREFERENCES_MACHINE, "partial-preferences-write"
    ),
    # --- read model
    "read-model.page-meta": _c(
        "GET /api/co/service-log/list (meta)", "suites.paging:walk_pages", "total-pages-off-by-one"
    ),
    "read-model.pages-disjoint": _c(
        f"{SEMANTICS} Service log", "suites.paging:walk_pages", "page-repeats-item"
    ),
    "read-model.pages-cover": _c(f"{SEMANTICS} Service log", "suites.paging:walk_pages", "last-page-short"),
    "read-model.stable-order": _c(
        "GET /api/co/service-log/list (date desc, id desc)",
        ("suites.paging:walk_pages", "suites.service_log_checks:pages_check"),
        "service-log-pages-cut-before-sorting",
    ),
    "read-model.latest-is-head": _c(
        "GET /api/co/service-log/latest", "suites.service_log_checks:latest_check", "latest-not-head"
    ),
    "read-model.paging-defaults": _c(
        "components/parameters Page, PageSize, Limit (defaults)",
        "suites.default_checks:service_log_defaults",
        "page-size-default-10",
    ),
    "read-model.summary-agrees": _c(
        "GET /api/co/service-log/summary", "suites.service_log_checks:summary_check", "summary-miscounts"
    ),
    "read-model.filters-filter": _c(
        "components/parameters (filters, normalised plates)",
        ("suites.service_log_checks:filters_check", "suites.input_rules:plate_filter_is_normalised"),
        "filter-skips-plate-normalisation",
    ),
    "read-model.messages-of-own-entries": _c(
        "GET /api/co/service-log/messages/{id}",
        "suites.service_log_checks:messages_check",
        "messages-newest-first",
    ),
    "read-model.history-defaults-to-primary": _c(
        "GET /api/co/service-log/vehicle-history/*",
        "suites.history_checks:history_defaults_to_primary",
        "history-ignores-primary",
    ),
    "read-model.export-download": _c(
        "GET /api/co/service-log/export",
        "suites.export_checks:download_matches_list",
        "export-ignores-plate-filter",
    ),
    "read-model.export-tampered": _c(
        "GET /api/co/service-log/export (EXPORT_TOKEN_INVALID)",
        "suites.export_checks:tampered_tokens_are_refused",
        "export-token-signature-unchecked",
    ),
    "read-model.export-expiry": _c(
        "GET /api/co/service-log/export-token (15 minutes)",
        ("suites.export_checks:expiry_is_fifteen_minutes", "suites.export_checks:expired_tokens_are_refused"),
        "export-token-never-expires",
    ),
    "read-model.export-new-token-each-call": _c(
        "GET /api/co/service-log/export-token (each call mints a new token)",
        "suites.export_checks:earlier_tokens_stay_valid",
        "export-token-repeats",
    ),
    # --- auth and isolation
    "auth.missing-token": _c(CONVENTIONS + " (auth)", "suites.auth:run", "accept-missing-token"),
    "auth.wrong-token": _c(CONVENTIONS + " (auth)", "suites.auth:run", "accept-wrong-token"),
    "auth.problem-details": _c(
        "components/responses Unauthenticated", "suites.auth:run", "unauthenticated-as-plain-json"
    ),
    "isolation.vehicles": _c("GET /api/co/vehicles (the caller's)", "suites.isolation:run", "sandbox-leak"),
    "isolation.vehicle-mutations": _c(
        "PUT/DELETE /api/co/vehicles (VEHICLE_NOT_LINKED)",
        "suites.isolation:run",
        "foreign-vehicle-updatable",
    ),
    "isolation.service-log": _c(
        "GET /api/co/service-log/messages/{id} (someone else's → 404)",
        "suites.isolation:run",
        "isolation-service-log-leak",
    ),
    "isolation.preferences": _c(
        "PUT /api/co/settings/notifications (the caller's)",
        "suites.isolation:run",
        "preferences-shared-between-users",
    ),
    # --- registry
    "registry.response-schema": _c(
        f"{SEMANTICS} Statens vegvesen (official schema)",
        "suites.registry:run",
        "registry-numbers-as-strings",
    ),
    "registry.no-nulls": _c(f"{SEMANTICS} Statens vegvesen", "suites.registry:run", "registry-null-fields"),
    "registry.both-params-rejected": _c(
        f"{SEMANTICS} Statens vegvesen", "suites.registry:run", "registry-both-params-accepted"
    ),
    "registry.unknown-key-refused": _c(
        f"{SEMANTICS} Statens vegvesen", "suites.registry:run", "registry-accepts-any-key"
    ),
    "registry.not-available": _c(
        f"{SEMANTICS} Statens vegvesen", "suites.registry:run", "registry-unknown-plate-empty-list"
    ),
    "registry.plate-with-space": _c(
        f"{SEMANTICS} Statens vegvesen", "suites.registry:run", "registry-plate-without-space"
    ),
    "registry.timezone-offset": _c(
        f"{SEMANTICS} Statens vegvesen", "suites.registry:run", "registry-naive-timestamps"
    ),
    "registry.vin-lookup": _c(
        "official spec: understellsnummer parameter", "suites.registry:run", "registry-vin-lookup-not-found"
    ),
    # --- input rules the schema cannot express
    "semantics.alias-conflict-refused": _c(
        "GET/DELETE /api/co/vehicles (REGISTRATION_NUMBER_CONFLICT)",
        "suites.input_rules:alias_conflict_is_refused",
        "conflicting-aliases-accepted",
    ),
    "read-model.date-range-refused": _c(
        "GET /api/co/service-log/summary, export-token (INVALID_DATE_RANGE)",
        "suites.input_rules:reversed_date_range_is_refused",
        "accepts-reversed-date-range",
    ),
    "read-model.org-nr-check-digit": _c(
        "openapi.yaml info: Organisation numbers",
        "suites.input_rules:bad_check_digit_is_refused",
        "accepts-bad-org-nr-checksum",
    ),
    "read-model.page-size-bounds": _c(
        "components/parameters PageSize (1..100)",
        "suites.input_rules:page_size_bounds",
        "page-size-over-100-accepted",
    ),
    "read-model.history-hides-earlier-owners": _c(
        "GET /api/co/service-log/vehicle-history/* (earlier owners)",
        "suites.input_rules:history_hides_earlier_owners",
        "history-leaks-earlier-owner",
    ),
    # --- realtime
    "realtime.workshop-events-arrive": _c(
        "openapi.yaml getRealtimeConfig (Broadcasts)", "suites.realtime:run", "realtime-drops-booking-events"
    ),
    "realtime.other-users-channel-refused": _c(
        "openapi.yaml getRealtimeConfig (Connecting)", "suites.realtime:run", "realtime-joins-any-channel"
    ),
    # --- the harness
    "contracts.setup": _c("(the harness)", "runner:run_suite"),
    "contracts.unexpected-error": _c("(the harness)", "context:SuiteContext.run_check"),
}

# Rules no planted fault can prove, each with the reason. Keep this short: every rule about the API
# can be broken by some plausible backend bug, so only the harness's own rules belong here.
NO_PLANTED_FAULT: dict[str, str] = {
    "contracts.setup": "reports that the target could not be reached at all; the harness, not an API rule",
    "contracts.unexpected-error": "reports a check that could not run to its end; no API rule to break",
    "conformance.engine-error": "reports that schemathesis itself could not run an operation",
    "conformance.object-level-authorization": (
        "schemathesis's check needs two identities in one conformance run; our isolation suite checks "
        "the same rule with two tokens, under the isolation.* rules, each with its own planted fault"
    ),
}


def matrix() -> list[tuple[Rule, Coverage]]:
    """Every rule of the catalogue with its coverage, in catalogue order (a rule without an entry gets
    an empty one, which the catalogue test then reports)."""
    return [(rule, COVERAGE.get(rule.id, Coverage("", ()))) for rule in RULES.values()]


def render() -> str:
    """The matrix as text for a terminal: one block per rule."""
    blocks = []
    for rule, coverage in matrix():
        faults = ", ".join(coverage.faults) or f"— ({NO_PLANTED_FAULT.get(rule.id, 'none yet')})"
        blocks.append(
            f"{rule.id}\n    {rule.summary}\n    stated  {coverage.stated or '—'}\n"
            f"    checks  {', '.join(coverage.checks) or '—'}\n    faults  {faults}\n"
        )
    proven = sum(1 for _, coverage in matrix() if coverage.faults)
    footer = (
        f"{len(blocks)} rules, {proven} proven by planted faults, {len(NO_PLANTED_FAULT)} that cannot be\n"
    )
    return "\n".join(blocks) + "\n" + footer
