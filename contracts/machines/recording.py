"""Shared plumbing of the state machines: the steps a run took, the requests that reproduce a violation,
and hypothesis settings per profile."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, settings

from ..client import ApiClient
from ..failures import RuleViolation
from ..options import Profile

Step = TypeVar("Step", bound=Callable[..., Any])


@dataclass(frozen=True)
class Call:
    """One rule a machine ran, with its arguments: enough to replay the run without hypothesis."""

    rule: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]

    def apply(self, machine: Any) -> None:
        getattr(machine, self.rule)(*self.args, **dict(self.kwargs))


class MachineViolation(RuleViolation):
    """A violation found by a state machine, with the rule calls that led to it."""

    def __init__(self, violation: RuleViolation, calls: tuple[Call, ...]) -> None:
        super().__init__(violation.rule_id, violation.message, violation.steps)
        self.calls = calls


def with_history(step: Step) -> Step:
    """Report a violation together with the changing requests that led to it, from the clean slate on.

    Reads between steps (the invariant's list calls) are left out: they change nothing.
    """

    @functools.wraps(step)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(self, *args, **kwargs)
        except MachineViolation:
            raise
        except RuleViolation as violation:
            api: ApiClient = self.api
            changes = [exchange for exchange in api.journal if exchange.method != "GET"]
            explained = violation.with_history(changes, getattr(self, "HISTORY_NOTE", None))
            raise MachineViolation(explained, tuple(self.calls)) from None

    return wrapper  # type: ignore[return-value]


def recorded(step: Step) -> Step:
    """A rule: remembered in the machine's call list, violations reported with their history."""
    reporting = with_history(step)

    @functools.wraps(step)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(Call(step.__name__, args, tuple(sorted(kwargs.items()))))
        return reporting(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def machine_settings(profile: Profile) -> settings:
    # Shrinking is ours (see shrinking.py): hypothesis's own has no time budget, and every replay
    # against a server costs real requests.
    return settings(
        max_examples=profile.machine_examples,
        stateful_step_count=profile.machine_steps,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
    )
