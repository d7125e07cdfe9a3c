"""The runner speaks only in events; the console, JUnit and Markdown reporters listen to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from .failures import Failure, Status


@dataclass(frozen=True)
class RunStarted:
    target: str
    suites: tuple[str, ...]
    profile: str
    seed: int
    read_only: bool


@dataclass(frozen=True)
class SuiteStarted:
    suite: str
    description: str


@dataclass(frozen=True)
class Progress:
    """Something worth telling a person watching a long suite (a schemathesis phase, a machine run)."""

    suite: str
    message: str


@dataclass(frozen=True)
class Setting:
    """One way a suite was set up for this run, and why."""

    name: str
    value: str
    reason: str


@dataclass(frozen=True)
class SuiteConfigured:
    """How a suite was set up for this run, setting by setting. A suite may send more than one: the
    conformance suite adds, at its end, what its dismissal filter left out of the verdicts."""

    suite: str
    settings: tuple[Setting, ...]


@dataclass(frozen=True)
class CheckFinished:
    suite: str
    check: str
    status: Status
    duration: float
    failures: tuple[Failure, ...] = ()
    skip_reason: str | None = None


@dataclass(frozen=True)
class SuiteFinished:
    suite: str
    duration: float
    skipped_reason: str | None = None


@dataclass(frozen=True)
class SkippedSuite:
    suite: str
    reason: str


@dataclass(frozen=True)
class RunFinished:
    duration: float
    seed: int
    failed_checks: int
    passed_checks: int
    skipped_checks: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Suites that did not run at all (their checks are in none of the counts above).
    skipped_suites: tuple[SkippedSuite, ...] = field(default_factory=tuple)


Event = RunStarted | SuiteStarted | SuiteConfigured | Progress | CheckFinished | SuiteFinished | RunFinished


class Listener(Protocol):
    def handle(self, event: Event) -> None: ...


class Broadcast:
    """Hands each event to every listener, in order."""

    def __init__(self, listeners: Iterable[Listener]) -> None:
        self._listeners = list(listeners)

    def __call__(self, event: Event) -> None:
        for listener in self._listeners:
            listener.handle(event)
