"""Builds the mock in-process for the contract tests, clean or with planted faults.

Only the tests import mock_server; the contract suite itself reaches the app through a Target.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from contracts import PROFILES, Listener, RegistryOptions, Report, RunOptions, Target, run_suite
from mock_server.app import create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings

KARI = "demo-kari"
OLA = "demo-ola"


@dataclass(frozen=True)
class PlantedFault:
    name: str
    suite: str
    rule_id: str


# Each planted fault of the mock, the suite that must catch it, and the rule it must name.
FAULTS: tuple[PlantedFault, ...] = (
    PlantedFault("primary-fallback-oldest", "semantics", "semantics.primary-fallback"),
    PlantedFault("relink-201", "semantics", "semantics.link-idempotent"),
    PlantedFault("unlink-deletes-record", "semantics", "semantics.unlink-keeps-record"),
    PlantedFault("page-repeats-item", "read-model", "read-model.pages-disjoint"),
    PlantedFault("summary-miscounts", "read-model", "read-model.summary-agrees"),
    PlantedFault("latest-not-head", "read-model", "read-model.latest-is-head"),
    PlantedFault("page-size-default-10", "read-model", "read-model.paging-defaults"),
    PlantedFault("accept-unknown-event", "semantics", "semantics.preferences-reject-unknown"),
    PlantedFault("partial-preferences-write", "semantics", "semantics.preferences-atomic"),
    PlantedFault("accept-missing-token", "auth", "auth.missing-token"),
    PlantedFault("accept-wrong-token", "auth", "auth.wrong-token"),
    PlantedFault("sandbox-leak", "isolation", "isolation.vehicles"),
    PlantedFault("vehicles-newest-first", "semantics", "semantics.vehicle-list-order"),
    PlantedFault("drop-required-field", "conformance", "conformance.response-schema"),
    PlantedFault("naive-datetime", "conformance", "conformance.response-schema"),
    PlantedFault("export-token-never-expires", "read-model", "read-model.export-expiry"),
    PlantedFault("export-token-repeats", "read-model", "read-model.export-new-token-each-call"),
    PlantedFault("history-ignores-primary", "read-model", "read-model.history-defaults-to-primary"),
    PlantedFault("updated-at-frozen", "semantics", "semantics.updated-at-bumps"),
    PlantedFault("registry-null-fields", "registry", "registry.no-nulls"),
    PlantedFault("registry-both-params-accepted", "registry", "registry.both-params-rejected"),
    PlantedFault("link-ignores-nickname", "semantics", "semantics.link-new-201"),
    PlantedFault("unlink-answers-unlinked-false", "semantics", "semantics.unlink-response"),
    PlantedFault("set-primary-keeps-old-primary", "semantics", "semantics.single-primary"),
    PlantedFault("set-primary-not-stored", "semantics", "semantics.set-primary"),
    PlantedFault("nickname-update-clears-image", "semantics", "semantics.update-applies"),
    PlantedFault("refresh-drops-custom-image", "semantics", "semantics.refresh-keeps-link"),
    PlantedFault("vehicle-list-omits-nickname", "semantics", "semantics.vehicles-match-model"),
    PlantedFault("not-linked-answers-not-found-code", "semantics", "semantics.not-linked-404"),
    PlantedFault("preferences-update-spreads-to-event", "semantics", "semantics.preferences-merge"),
    PlantedFault("conflicting-aliases-accepted", "read-model", "semantics.alias-conflict-refused"),
    PlantedFault("total-pages-off-by-one", "read-model", "read-model.page-meta"),
    PlantedFault("last-page-short", "read-model", "read-model.pages-cover"),
    PlantedFault("service-log-pages-cut-before-sorting", "read-model", "read-model.stable-order"),
    PlantedFault("messages-newest-first", "read-model", "read-model.messages-of-own-entries"),
    PlantedFault("history-leaks-earlier-owner", "read-model", "read-model.history-hides-earlier-owners"),
    PlantedFault("export-ignores-plate-filter", "read-model", "read-model.export-download"),
    PlantedFault("export-token-signature-unchecked", "read-model", "read-model.export-tampered"),
    PlantedFault("accepts-reversed-date-range", "read-model", "read-model.date-range-refused"),
    PlantedFault("accepts-bad-org-nr-checksum", "read-model", "read-model.org-nr-check-digit"),
    PlantedFault("page-size-over-100-accepted", "read-model", "read-model.page-size-bounds"),
    PlantedFault("filter-skips-plate-normalisation", "read-model", "read-model.filters-filter"),
    PlantedFault("request-id-mismatch", "read-model", "conformance.request-id"),
    PlantedFault("naive-timestamp-in-list", "read-model", "conformance.timezone-aware"),
    PlantedFault("unauthenticated-as-plain-json", "auth", "auth.problem-details"),
    PlantedFault("foreign-vehicle-updatable", "isolation", "isolation.vehicle-mutations"),
    PlantedFault("isolation-service-log-leak", "isolation", "isolation.service-log"),
    PlantedFault("preferences-shared-between-users", "isolation", "isolation.preferences"),
    PlantedFault("registry-numbers-as-strings", "registry", "registry.response-schema"),
    PlantedFault("registry-accepts-any-key", "registry", "registry.unknown-key-refused"),
    PlantedFault("registry-unknown-plate-empty-list", "registry", "registry.not-available"),
    PlantedFault("registry-plate-without-space", "registry", "registry.plate-with-space"),
    PlantedFault("registry-naive-timestamps", "registry", "registry.timezone-offset"),
    PlantedFault("registry-vin-lookup-not-found", "registry", "registry.vin-lookup"),
    PlantedFault("page-size-100-crashes", "conformance", "conformance.server-error"),
    PlantedFault("validation-answers-422", "conformance", "conformance.status-code"),
    PlantedFault("problem-as-plain-json", "conformance", "conformance.content-type"),
    PlantedFault("export-without-content-disposition", "conformance", "conformance.response-headers"),
    PlantedFault("limit-over-100-accepted", "conformance", "conformance.negative-data-rejection"),
    PlantedFault("preferences-refuse-all-off", "conformance", "conformance.positive-data-acceptance"),
    PlantedFault("unknown-method-answers-404", "conformance", "conformance.unsupported-method"),
    PlantedFault("allow-header-lists-every-method", "conformance", "conformance.allow-header"),
    PlantedFault("realtime-config-ignores-token", "conformance", "conformance.missing-required-header"),
    PlantedFault("realtime-drops-booking-events", "realtime", "realtime.workshop-events-arrive"),
    PlantedFault("realtime-joins-any-channel", "realtime", "realtime.other-users-channel-refused"),
    PlantedFault("export-token-ignores-token", "conformance", "conformance.ignored-auth"),
    PlantedFault("unlinked-vehicle-still-readable", "conformance", "conformance.use-after-free"),
    PlantedFault("new-link-not-readable", "conformance", "conformance.resource-availability"),
)


# Faults proven together, in one run of their suite: a conformance run is the costliest of all, and
# these each break a different rule, which the clean mock passes, on operations of their own (the
# conformance engine stops at an operation's first failure, so two faults on one operation would hide
# each other). Left out: the two response-schema
# faults (one rule, so a shared run could not tell them apart) and new-link-not-readable (its failure
# ends the link walk that use-after-free needs).
GROUPED: tuple[tuple[str, ...], ...] = (
    (
        "page-size-100-crashes",
        "validation-answers-422",
        "problem-as-plain-json",
        "export-without-content-disposition",
        "limit-over-100-accepted",
        "preferences-refuse-all-off",
        "unknown-method-answers-404",
        "allow-header-lists-every-method",
        "realtime-config-ignores-token",
        "export-token-ignores-token",
        "unlinked-vehicle-still-readable",
    ),
)


def mock_supports_faults() -> bool:
    return "planted_faults" in {field.name for field in dataclasses.fields(Settings)}


class SandboxClock:
    """Lets time pass in the in-process mock, as its control API would."""

    def __init__(self, world: Any) -> None:
        self._world = world

    def advance(self, token: str, delta: timedelta) -> None:
        self._world.sandboxes.by_token(token).clock.advance(delta)


def mock_target(faults: frozenset[str] = frozenset()) -> tuple[Target, SandboxClock]:
    # A faulty mock must not catch its own fault by validating its responses.
    settings = Settings(planted_faults=faults, validate_responses=False) if faults else Settings()  # type: ignore[call-arg]
    world, _ = build_seeded_world(settings)
    return Target.asgi(create_app(settings, world)), SandboxClock(world)


def quick_options(suites: tuple[str, ...], clock: SandboxClock, **overrides: Any) -> RunOptions:
    base: dict[str, Any] = {
        "token": KARI,
        "second_token": OLA,
        "profile": PROFILES["quick"],
        "seed": 0,
        "suites": suites,
        "registry": RegistryOptions(),
        "time_control": clock,
    }
    return RunOptions(**{**base, **overrides})


def run_in_process(target: Target, options: RunOptions, listeners: Iterable[Listener] = ()) -> Report:
    with warnings.catch_warnings():
        # The in-process server leaves multipart upload spools to the garbage collector (they are
        # freed unclosed inside its request handling, on its own event-loop thread). That is the
        # server's resource handling, invisible over HTTP and no part of the contract under test.
        warnings.simplefilter("ignore", ResourceWarning)
        return run_suite(target, options, listeners)
