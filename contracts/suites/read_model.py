"""Read model: properties that hold over whatever service-log data the server has."""

from __future__ import annotations

from ..client import ApiClient
from ..context import SuiteContext
from ..failures import CheckSkipped, expect
from ..vehicle_order import expect_documented_order
from . import default_checks, export_checks, history_checks, input_rules, service_log_checks
from .paging import Walk
from .service_log_checks import Filter

DESCRIPTION = (
    "pages, latest, summary and filters agree; the vehicle list's order; history defaults to the primary; "
    "export tokens"
)
VEHICLES = "/api/co/vehicles"


def run(ctx: SuiteContext) -> None:
    api = ctx.client()
    anonymous = ctx.anonymous()
    walked: list[Walk] = []

    def pages() -> None:
        walked.append(service_log_checks.pages_check(api))

    def needs_walk() -> Walk:
        if not walked:
            raise CheckSkipped("the service log could not be walked (see the pages check)")
        return walked[0]

    ctx.run_check("service log: pages are disjoint, ordered and complete", pages)
    ctx.run_check(
        "service log: latest is the head of list", lambda: service_log_checks.latest_check(api, needs_walk())
    )
    if walked:
        options = ctx.options
        for chosen in service_log_checks.sample_filters(
            walked[0], options.profile.filter_samples, options.seed
        ):
            ctx.run_check(
                f"summary agrees with list ({chosen.describe()})",
                lambda chosen=chosen: service_log_checks.summary_check(api, walked[0], chosen),
            )
            if chosen.list_params() and not (chosen.date_from or chosen.date_to):
                ctx.run_check(
                    f"filters filter ({chosen.describe()})",
                    lambda chosen=chosen: service_log_checks.filters_check(api, walked[0], chosen),
                )
    ctx.run_check(
        "messages of one's own entries", lambda: service_log_checks.messages_check(api, needs_walk())
    )
    ctx.run_check(
        "service log: list without page or page_size is page 1 of 20",
        lambda: default_checks.service_log_defaults(api, needs_walk()),
    )
    ctx.run_check(
        "vehicle history: documented page, page_size and limit defaults", lambda: _history_defaults(api)
    )
    ctx.run_check("vehicle list: primary first, then by linked_at", lambda: _vehicle_order(api))
    ctx.run_check(
        "vehicle history defaults to the primary", lambda: history_checks.history_defaults_to_primary(api)
    )
    ctx.run_check("vehicle history follows set-primary", lambda: _history_follows(ctx))
    input_rules.run(ctx, api, needs_walk)
    ctx.run_check("export: token valid for 15 minutes", lambda: export_checks.expiry_is_fifteen_minutes(api))
    ctx.run_check(
        "export: download matches list",
        lambda: export_checks.download_matches_list(api, anonymous, needs_walk(), Filter()),
    )
    if walked and walked[0].entries:
        plate = walked[0].entries[0]["registration_number"]
        ctx.run_check(
            f"export: filtered download matches list (registration_number={plate})",
            lambda: export_checks.download_matches_list(
                api, anonymous, walked[0], Filter(registration_number=plate)
            ),
        )
    if walked:
        nothing = Filter(workshop_org_nr=service_log_checks.unused_org_nr(set(_workshops(walked[0]))))
        ctx.run_check(
            "export: a filter that matches nothing gives the header row only",
            lambda: export_checks.download_matches_list(api, anonymous, walked[0], nothing),
        )
    ctx.run_check(
        "export: earlier tokens stay valid",
        lambda: export_checks.earlier_tokens_stay_valid(api, anonymous),
    )
    ctx.run_check(
        "export: tampered tokens are refused",
        lambda: export_checks.tampered_tokens_are_refused(api, anonymous),
    )
    ctx.run_check("export: expired tokens are refused", lambda: _expiry(ctx))


def _workshops(walk: Walk) -> list[str]:
    return [entry["workshop"]["org_nr"] for entry in walk.entries]


def _history_defaults(api: ApiClient) -> None:
    if not default_checks.history_defaults(api):
        raise CheckSkipped("no primary vehicle, so no default history to page through")


def _vehicle_order(api: ApiClient) -> None:
    listing = api.get(VEHICLES)
    expect(
        listing.status == 200 and isinstance(listing.data, list),
        "semantics.vehicles-match-model",
        f"listing vehicles answered {listing.status}",
        listing.exchange,
    )
    if len(listing.data) < 2:
        raise CheckSkipped("fewer than two vehicles linked: no order to see (the semantics suite checks it)")
    expect_documented_order(listing)


def _history_follows(ctx: SuiteContext) -> None:
    ctx.skip_if_read_only()
    history_checks.history_follows_set_primary(ctx.client())


def _expiry(ctx: SuiteContext) -> None:
    clock = ctx.options.time_control
    if clock is None:
        raise CheckSkipped(
            "needs a server that lets time pass (--mock-controls); expires_at was checked instead"
        )
    export_checks.expired_tokens_are_refused(ctx.client(), ctx.anonymous(), clock, ctx.options.token)
