"""What a broken rule looks like: the rule, what was seen, and the requests that reproduce it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .exchange import Exchange
from .rules import rule


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Failure:
    rule_id: str
    message: str
    suite: str
    check: str
    # Oldest first; the last exchange is the one that showed the violation.
    steps: tuple[Exchange, ...] = ()
    # Ready-made reproduction lines when a tool other than our client sent the requests.
    curl_lines: tuple[str, ...] = ()

    @property
    def rule_summary(self) -> str:
        return rule(self.rule_id).summary


class RuleViolation(AssertionError):
    """Raised inside a check when the server broke a rule. Carries what is needed to reproduce it."""

    def __init__(self, rule_id: str, message: str, steps: Iterable[Exchange] = ()) -> None:
        rule(rule_id)  # fail fast on an unknown id
        super().__init__(f"[{rule_id}] {message}")
        self.rule_id = rule_id
        self.message = message
        self.steps = tuple(steps)

    def with_history(self, history: Iterable[Exchange], note: str | None = None) -> RuleViolation:
        """The same violation, reproduced from the start of a longer sequence of requests."""
        steps = list(history)
        for step in self.steps:
            if step not in steps:
                steps.append(step)
        message = f"{note}\n{self.message}" if note else self.message
        return RuleViolation(self.rule_id, message, steps)


class CheckSkipped(Exception):
    """A check that cannot apply to this target (e.g. read-only mode, no second token)."""


def expect(condition: bool, rule_id: str, message: str, *steps: Exchange) -> None:
    """Raise a RuleViolation unless `condition` holds."""
    if not condition:
        raise RuleViolation(rule_id, message, steps)
