"""The catalogue of rules the contract suite checks. Rule ids are stable: reports and CI filters use them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str

    @property
    def area(self) -> str:
        return self.id.split(".", 1)[0]


_CATALOGUE: tuple[Rule, ...] = (
    # --- conformance: schemathesis checks against openapi.yaml, plus two transport invariants
    Rule("conformance.server-error", "No request may produce a 5xx response"),
    Rule("conformance.status-code", "Every status code is documented for its operation"),
    Rule("conformance.content-type", "The response Content-Type is one the operation documents"),
    Rule("conformance.response-schema", "Response bodies validate against the documented schema"),
    Rule("conformance.response-headers", "Documented response headers are present and valid"),
    Rule("conformance.negative-data-rejection", "Requests that violate the schema are rejected with 4xx"),
    Rule("conformance.positive-data-acceptance", "Requests that satisfy the schema are accepted"),
    Rule("conformance.missing-required-header", "A missing required header is rejected"),
    Rule("conformance.unsupported-method", "Undocumented methods are answered with 405"),
    Rule("conformance.allow-header", "A 405 answer's Allow header lists exactly the path's methods"),
    Rule("conformance.ignored-auth", "Operations that declare auth enforce it"),
    Rule("conformance.use-after-free", "A deleted resource is not available afterwards"),
    Rule("conformance.resource-availability", "A created resource is available afterwards"),
    Rule("conformance.object-level-authorization", "One identity cannot read another identity's objects"),
    Rule("conformance.engine-error", "The conformance engine could run every operation"),
    Rule("conformance.request-id", "Every response carries X-Request-ID equal to the body's request id"),
    Rule("conformance.timezone-aware", "Every timestamp in a response carries a timezone offset"),
    # --- realtime: with --mock-controls, over the websocket /realtime/config names
    Rule(
        "realtime.workshop-events-arrive", "Every workshop event reaches the user's channel within a second"
    ),
    Rule("realtime.other-users-channel-refused", "A join of another user's channel is refused"),
    # --- semantics: the server agrees with a plain model after every step
    Rule("semantics.link-new-201", "Linking a vehicle that is not linked answers 201 with its details"),
    Rule("semantics.link-idempotent", "Re-linking a linked vehicle answers 200 and changes nothing"),
    Rule(
        "semantics.unlink-keeps-record",
        "Unlinking keeps the vehicle record: a re-link returns the same vehicle",
    ),
    Rule(
        "semantics.unlink-response",
        "Unlink answers {registration_number, unlinked, primary_registration_number}",
    ),
    Rule("semantics.single-primary", "A user with vehicles has exactly one primary; with none, none"),
    Rule("semantics.primary-fallback", "Removing the primary promotes the most recently updated vehicle"),
    Rule("semantics.set-primary", "After set-primary exactly that vehicle is primary"),
    Rule("semantics.update-applies", "PUT /vehicles/{reg} stores the given nickname and image"),
    Rule("semantics.updated-at-bumps", "Nickname and image updates set updated_at to their time, never back"),
    Rule("semantics.refresh-keeps-link", "A refresh renews registry data and leaves the owner's data alone"),
    Rule(
        "semantics.vehicles-match-model", "The vehicle list holds exactly the linked vehicles with their data"
    ),
    Rule(
        "semantics.vehicle-list-order",
        "The vehicle list is primary first, then by linked_at ascending (ties by registration_number)",
    ),
    Rule("semantics.not-linked-404", "Operations on a vehicle the caller has not linked answer 404"),
    Rule("semantics.preferences-merge", "A preferences update changes only the given event/channel pairs"),
    Rule("semantics.preferences-reject-unknown", "Unknown events or channels are rejected with 400"),
    Rule("semantics.preferences-atomic", "A rejected preferences update changes nothing"),
    # --- read model: properties over whatever service-log data the server holds
    Rule("read-model.page-meta", "Paged lists report page, page_size, total and total_pages consistently"),
    Rule("read-model.pages-disjoint", "No entry appears on two pages"),
    Rule("read-model.pages-cover", "Walking every page yields meta.total entries, each exactly once"),
    Rule("read-model.stable-order", "Lists are ordered by service_date desc, then id desc"),
    Rule("read-model.latest-is-head", "latest?limit=n equals the first n entries of list"),
    Rule(
        "read-model.paging-defaults",
        "Without page and page_size a list is page 1 of 20 entries; without limit, latest holds 10",
    ),
    Rule("read-model.summary-agrees", "summary (count, average rating, last date) agrees with list"),
    Rule("read-model.filters-filter", "Filtered lists hold exactly the entries matching the filter"),
    Rule("read-model.messages-of-own-entries", "The messages of one's own entries are readable"),
    Rule("read-model.history-defaults-to-primary", "Vehicle history without a plate is the primary's"),
    Rule("read-model.export-download", "An export token downloads the CSV of the filtered entries"),
    Rule(
        "read-model.export-new-token-each-call",
        "Each export-token call mints a new token; earlier ones stay valid until they expire",
    ),
    Rule("read-model.export-tampered", "A tampered export token is refused with 403"),
    Rule("read-model.export-expiry", "Export tokens expire 15 minutes after issue (then 401)"),
    # --- auth and isolation
    Rule("auth.missing-token", "Every secured operation refuses a request without a token (401)"),
    Rule("auth.wrong-token", "Every secured operation refuses an unknown token (401)"),
    Rule("auth.problem-details", "A refusal is application/problem+json with code UNAUTHENTICATED"),
    Rule("isolation.vehicles", "One user's vehicles are invisible to another"),
    Rule("isolation.vehicle-mutations", "One user cannot change or remove another user's vehicle"),
    Rule("isolation.service-log", "One user's service log and messages are invisible to another"),
    Rule("isolation.preferences", "One user's preference changes do not touch another's"),
    # --- registry: Vegvesen-like enkeltoppslag servers
    Rule("registry.response-schema", "Responses validate against the enkeltoppslag response schema"),
    Rule("registry.no-nulls", "Fields without a value are omitted, never null"),
    Rule("registry.both-params-rejected", "kjennemerke and understellsnummer together answer 400"),
    Rule("registry.unknown-key-refused", "A missing or unknown API key answers 403"),
    Rule(
        "registry.not-available", 'Unknown vehicles answer {"feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"}'
    ),
    Rule("registry.plate-with-space", "Plates come back with a space between series and number"),
    Rule("registry.timezone-offset", "Registry timestamps carry a timezone offset"),
    Rule("registry.vin-lookup", "A lookup by understellsnummer finds the same vehicle as by plate"),
    # --- input rules the schema cannot express: refused, not accepted (read-model suite, read-only)
    Rule(
        "semantics.alias-conflict-refused",
        "reg and registration_number naming different vehicles answer 400 REGISTRATION_NUMBER_CONFLICT",
    ),
    Rule("read-model.date-range-refused", "date_from after date_to answers 400 INVALID_DATE_RANGE"),
    Rule("read-model.org-nr-check-digit", "A workshop_org_nr with a wrong mod-11 check digit answers 400"),
    Rule("read-model.page-size-bounds", "page_size 1 to 100 is served; 0 and 101 answer 400"),
    Rule(
        "read-model.history-hides-earlier-owners",
        "Vehicle history shows earlier owners' entries without price, rating, messages or service_log_id",
    ),
    # --- the harness itself
    Rule("contracts.setup", "The target is reachable and the tokens are accepted"),
    Rule("contracts.unexpected-error", "A check could run to the end (the server answered something usable)"),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _CATALOGUE}


# The other APIs' rules (contracts/apis/<name>/), known once their suites are loaded; kept apart
# from CarOwner's catalogue, whose matrix must stay exactly its own.
_OTHER_APIS: dict[str, Rule] = {}


def add_api_rules(rules: Iterable[Rule]) -> None:
    for item in rules:
        _OTHER_APIS.setdefault(item.id, item)


def rule(rule_id: str) -> Rule:
    """The rule with this id; a typo in a suite is a programming error, so it raises."""
    found = RULES.get(rule_id) or _OTHER_APIS.get(rule_id)
    if found is None:
        raise KeyError(rule_id)
    return found
