"""What one mock, shared by a team, lets its users keep: sandboxes, snapshots, stored bytes.

The limits are there so that one client (or a loop in CI) cannot fill the mock's memory for
everyone; `minbil-mock --max-sandboxes/--max-snapshots/--storage-budget-mb/--idle-expiry` set them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import DomainError

MIB = 1024 * 1024


@dataclass(frozen=True)
class SandboxLimits:
    # Sandboxes made through the control API at once (the demo users are not counted).
    max_sandboxes: int = 100
    # Named snapshots per sandbox.
    max_snapshots: int = 50
    # Snapshots of every sandbox and uploaded images together, measured as stored (compact JSON
    # for a snapshot, the file's bytes for an image).
    storage_budget_bytes: int = 128 * MIB
    # A sandbox no request has used for this long is deleted; None keeps every sandbox. The demo
    # users never expire.
    idle_expiry_seconds: float | None = 24 * 3600


class StorageBudget:
    """One budget shared by snapshots and images; each kind tells how many bytes it keeps."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        self._meters: list[Callable[[], int]] = []
        # With a store several processes share: what it keeps for all of them (this process's
        # meters see only the sandboxes it holds).
        self.kept_elsewhere: Callable[[], int] | None = None

    def count(self, meter: Callable[[], int]) -> None:
        self._meters.append(meter)

    def used(self) -> int:
        here = sum(meter() for meter in self._meters)
        return here if self.kept_elsewhere is None else max(here, self.kept_elsewhere())

    def check(self, extra: int, what: str, *, code: str = "STORAGE_LIMIT_REACHED") -> None:
        """Raise `code` when keeping `extra` more bytes would pass the budget."""
        used = self.used()
        if used + extra > self.limit_bytes:
            raise DomainError(
                code,
                f"The mock keeps at most {_size(self.limit_bytes)} of snapshots and images for all "
                f"sandboxes together ({_size(used)} in use); {what} ({_size(extra)}) would pass it. "
                "Delete snapshots or sandboxes you no longer need (or start the mock with a larger "
                "--storage-budget-mb).",
            )


def _size(n: int) -> str:
    return f"{n / MIB:.1f} MiB" if n >= MIB else f"{n} bytes"
