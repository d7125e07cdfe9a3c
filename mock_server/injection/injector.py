"""Deciding, per request, which delay and which fault the matching rules inject.

Global rules (command line, config file) apply to every request; a sandbox's own rules (control
API) only to requests with its token, and come first. Delays of all matching rules add up; the first
rule whose error, drop or malformed effect fires decides the fault. Every rule draws from its own
random stream, seeded from the seed and the rule, so the same requests give the same faults.
On a store several processes share, a sandbox's rule draws its n-th request's numbers from a
stream seeded with n too, n counted in the store (`shared_draws`): the same sequence of faults
whichever process serves each request. Global rules keep a stream per process.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..domain.control_models import FaultRuleRecord
from .rules import FaultRule, parse_rule

Action = Literal["error", "drop", "malformed"]


@dataclass
class Decision:
    delay_s: float = 0.0
    action: Action | None = None
    rule: FaultRule | None = None
    notes: list[str] = field(default_factory=list)


class FaultInjector:
    def __init__(self, rules: Iterable[str], seed: int, operation_ids: Iterable[str] = ()) -> None:
        self.operation_ids = frozenset(operation_ids)
        self.seed = seed
        self.global_rules: tuple[FaultRule, ...] = tuple(self.parse(text) for text in rules)
        self._streams: dict[tuple[str, str, int], random.Random] = {}
        # With a store several processes share: (token, rule, seed) -> how many requests the rule
        # has matched so far, this one included, counted for all processes; and forgetting them.
        self.shared_draws: Callable[[str, str, int], int] | None = None
        self.forget_draws: Callable[[str], None] | None = None

    def parse(self, text: str) -> FaultRule:
        return parse_rule(text, self.operation_ids)

    def add_global(self, text: str) -> FaultRule:
        rule = self.parse(text)
        self.global_rules = (*self.global_rules, rule)
        return rule

    def decide(
        self,
        method: str,
        path: str,
        operation_id: str | None,
        token: str | None,
        own: Sequence[FaultRuleRecord],
    ) -> Decision:
        decision = Decision()
        candidates = [(token or "", self.parse(record.rule), record.seed) for record in own]
        candidates += [("", rule, self.seed) for rule in self.global_rules]
        for owner, rule, seed in candidates:
            if not rule.matches(method, path, operation_id):
                continue
            stream = self._stream(owner, rule.text, seed)
            if rule.delay is not None:
                delay = rule.delay.sample(stream)
                decision.delay_s += delay
                decision.notes.append(f"delay {delay * 1000:.0f} ms ({rule.text})")
            if decision.action is None:
                decision.action = self._action(rule, stream)
                if decision.action is not None:
                    decision.rule = rule
                    decision.notes.append(f"{decision.action} ({rule.text})")
        return decision

    def _action(self, rule: FaultRule, stream: random.Random) -> Action | None:
        # One draw per effect and request, whether or not it fires, so streams stay in step.
        fired: list[Action] = []
        for action, rate in (
            ("error", rule.error_rate),
            ("drop", rule.drop_rate),
            ("malformed", rule.malformed_rate),
        ):
            if rate > 0 and stream.random() < rate:
                fired.append(action)  # type: ignore[arg-type]
        return fired[0] if fired else None

    def _stream(self, owner: str, text: str, seed: int) -> random.Random:
        if owner and self.shared_draws is not None:
            return random.Random(f"{seed}:{owner}:{text}:{self.shared_draws(owner, text, seed)}")
        key = (owner, text, seed)
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = random.Random(f"{seed}:{owner}:{text}")
        return stream

    def forget(self, token: str) -> None:
        """Drop a sandbox's random streams (its rules were cleared or the sandbox deleted)."""
        for key in [key for key in self._streams if key[0] == token]:
            del self._streams[key]
        if self.forget_draws is not None:
            self.forget_draws(token)
