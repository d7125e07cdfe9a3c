"""One load run's figures, and how rounds of them are combined."""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int = 0
    non_2xx: int = 0
    socket_errors: int = 0
    # Server CPU time per request: steadier than req/s when other work shares the machine.
    cpu_us_per_request: float | None = None
    # The database's CPU time per request, where the server keeps its state in one on this machine.
    store_cpu_us_per_request: float | None = None

    def with_cpu(self, cpu_seconds: float, store_cpu_seconds: float | None = None) -> Measurement:
        if not self.requests:
            return self
        store = None if store_cpu_seconds is None else store_cpu_seconds / self.requests * 1e6
        return dataclasses.replace(
            self, cpu_us_per_request=cpu_seconds / self.requests * 1e6, store_cpu_us_per_request=store
        )


def median_of(rounds: Sequence[Measurement]) -> Measurement:
    """The median of each figure over the rounds: one slow or lucky round does not decide."""
    if not rounds:
        raise ValueError("no rounds to combine")
    return Measurement(
        requests_per_s=statistics.median(m.requests_per_s for m in rounds),
        p50_ms=statistics.median(m.p50_ms for m in rounds),
        p99_ms=statistics.median(m.p99_ms for m in rounds),
        requests=sum(m.requests for m in rounds),
        non_2xx=sum(m.non_2xx for m in rounds),
        socket_errors=sum(m.socket_errors for m in rounds),
        cpu_us_per_request=_median_or_none([m.cpu_us_per_request for m in rounds]),
        store_cpu_us_per_request=_median_or_none([m.store_cpu_us_per_request for m in rounds]),
    )


def _median_or_none(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending sequence."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1]
