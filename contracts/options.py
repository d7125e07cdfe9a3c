"""What a run is asked to do: tokens, plates, profile, which suites, read-only, registry, time control."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Protocol

# Ordinary plates of series the mock's registry fake resolves, none of them in the demo world.
DEFAULT_PLATES: tuple[str, ...] = ("CV12345", "DN54321", "EL34567", "KH10293", "SU20481")
DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"
DEFAULT_REGISTRY_KEY = "minbil-demo-apikey"
# Ordered so read-only properties see the server's data before the mutating suites change it.
SUITE_NAMES: tuple[str, ...] = (
    "auth", "read-model", "isolation", "semantics", "conformance", "registry", "realtime"
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """How hard to look. `quick` for local loops and our own tests, `ci` for pipelines, `deep` for nightly."""

    name: str
    # schemathesis: examples per operation and phase, steps per stateful scenario, time budget (s)
    conformance_examples: int
    conformance_stateful_steps: int
    conformance_max_time: int | None
    conformance_phases: tuple[str, ...]
    # hypothesis state machines: runs, steps per run, seconds to spend shrinking a failing run
    machine_examples: int
    machine_steps: int
    shrink_seconds: float
    # read-model: how many filter combinations to try
    filter_samples: int


PROFILES: dict[str, Profile] = {
    "quick": Profile(
        name="quick",
        conformance_examples=3,
        conformance_stateful_steps=4,
        conformance_max_time=None,
        conformance_phases=("examples", "coverage", "fuzzing", "stateful"),
        machine_examples=6,
        machine_steps=12,
        shrink_seconds=2.0,
        filter_samples=3,
    ),
    "ci": Profile(
        name="ci",
        conformance_examples=30,
        conformance_stateful_steps=10,
        conformance_max_time=None,
        conformance_phases=("examples", "coverage", "fuzzing", "stateful"),
        machine_examples=40,
        machine_steps=25,
        shrink_seconds=15.0,
        filter_samples=8,
    ),
    "deep": Profile(
        name="deep",
        conformance_examples=100,
        conformance_stateful_steps=20,
        conformance_max_time=None,
        conformance_phases=("examples", "coverage", "fuzzing", "stateful"),
        machine_examples=200,
        machine_steps=40,
        shrink_seconds=120.0,
        filter_samples=30,
    ),
}


class TimeControl(Protocol):
    """Moves a caller's clock forward on servers that allow it (mock controls). Opt-in only."""

    def advance(self, token: str, delta: timedelta) -> None: ...


@dataclass(frozen=True)
class RegistryOptions:
    """Where the Vegvesen-like registry is and which key to use. `url=None`: same target as the API."""

    url: str | None = None
    api_key: str = DEFAULT_REGISTRY_KEY
    # Plates the registry knows / surely does not know; defaults match the mock's fake.
    known_plates: tuple[str, ...] = ("EK39085", "BE12335")
    unknown_plates: tuple[str, ...] = ("IO12345", "QO54321")


@dataclass(frozen=True)
class RunOptions:
    token: str
    second_token: str | None = None
    plates: tuple[str, ...] = DEFAULT_PLATES
    profile: Profile = field(default_factory=lambda: PROFILES["ci"])
    seed: int = 0
    read_only: bool = False
    suites: tuple[str, ...] = SUITE_NAMES
    spec_path: Path = DEFAULT_SPEC
    registry: RegistryOptions | None = None
    time_control: TimeControl | None = None
    # Which API: "carowner" (with the registry suite), or one of contracts/apis/ (its suites).
    api: str = "carowner"

    def __post_init__(self) -> None:
        known = SUITE_NAMES
        if self.api not in ("carowner", "registry"):
            from .apis import api_suites  # the API's own suites, imported only when asked for

            known = api_suites(self.api).suite_names
        unknown = set(self.suites) - set(known)
        if unknown:
            raise ValueError(f"unknown suite(s): {', '.join(sorted(unknown))}; known: {', '.join(known)}")
        if len(set(self.plates)) < 4:
            raise ValueError("at least four different plates are needed to exercise the primary fallback")
