"""Shrinking a failing machine run to a short reproduction, within a time budget.

Replays the recorded rule calls from a clean slate, dropping chunks of them while the same rule still
breaks. Bounded by time because every replay costs real requests against the server.
"""

from __future__ import annotations

import time
from typing import Any

from ..failures import RuleViolation
from .recording import Call, MachineViolation


def replay(machine_class: type[Any], calls: tuple[Call, ...]) -> RuleViolation | None:
    """Runs the calls on a fresh machine, checking the invariant after each; the violation, if any."""
    machine = machine_class()
    try:
        getattr(machine, machine_class.INITIALIZE)()
        invariant = getattr(machine, machine_class.INVARIANT)
        invariant()
        for call in calls:
            call.apply(machine)
            invariant()
    except RuleViolation as violation:
        return violation
    finally:
        machine.teardown()
    return None


def shrink(machine_class: type[Any], found: MachineViolation, budget_seconds: float) -> RuleViolation:
    """The shortest sequence found in time that still breaks the same rule (or `found` itself)."""
    deadline = time.monotonic() + budget_seconds
    best_calls, best = found.calls, found
    chunk = max(1, len(best_calls) // 2)
    while time.monotonic() < deadline and best_calls:
        index, progressed = 0, False
        while index < len(best_calls) and time.monotonic() < deadline:
            candidate = best_calls[:index] + best_calls[index + chunk :]
            violation = replay(machine_class, candidate)
            if violation is not None and violation.rule_id == found.rule_id:
                best_calls, best, progressed = candidate, violation, True
            else:
                index += chunk
        if not progressed:
            if chunk == 1:
                break
            chunk = max(1, chunk // 2)
    return best
