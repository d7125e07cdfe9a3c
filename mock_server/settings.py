"""Everything the mock can be told at start-up. Immutable; create_app takes one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .domain.control_models import RegistryFaults
from .domain.limits import SandboxLimits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = PROJECT_ROOT / "openapi.yaml"
DEFAULT_PORT = 5000  # the seeds' snippets default to http://localhost:5000


@dataclass(frozen=True)
class RealtimeSettings:
    # The mock serves Supabase Realtime itself (mock_server/realtime); `url` None names the mock's
    # own origin as the caller reached it. Set it to point apps at a real Supabase instead.
    url: str | None = None
    anon_key: str = "mock-anon-key-not-a-secret"
    enabled: bool = True
    # A socket that sends nothing (not even a heartbeat) for this long is closed; the client
    # heartbeats every 25 s by default.
    idle_timeout_s: float = 60.0


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    seed: int = 0
    demo: bool = True
    validate_responses: bool = True
    # Serve requests Connexion would accept through operations prepared once (mock_server/direct).
    # Off: Connexion serves everything; the answers are the same, only slower.
    direct_path: bool = True
    # Send a pure read's checked answer again, with a fresh request id and moment, while no other
    # request has run since (mock_server/direct/reuse.py). The CLI turns it on; off for embedded
    # worlds, which their code may change between requests without a request.
    reuse_answers: bool = False
    registry_api_key: str = "minbil-demo-apikey"
    # When set, vehicle data comes over HTTP from this registry base URL instead of the built-in fake.
    registry_url: str | None = None
    export_secret: bytes | None = None
    realtime: RealtimeSettings = field(default_factory=RealtimeSettings)
    # Switches that make the mock wrong on purpose (the packs' planted faults): to prove a contract suite.
    planted_faults: frozenset[str] = frozenset()
    # The APIs to serve by name (mock_server/packs); None: all. Without "registry" CarOwner still
    # looks cars up in it, only the registry's own HTTP API is not served.
    apis: frozenset[str] | None = None
    # --- mock controls ---
    # The scenario the demo users' world is built from at start-up (None: the demo world itself).
    scenario: str | None = None
    # Fault and latency rules on every request (mock_server/injection/rules.py has the syntax).
    fault_rules: tuple[str, ...] = ()
    # How the registry fake misbehaves for everyone (per sandbox: the control API).
    registry_faults: RegistryFaults = field(default_factory=RegistryFaults)
    # SQLite file that keeps every sandbox across restarts; None keeps everything in memory.
    state_path: Path | None = None
    # PostgreSQL URL of a store several mock processes share (store/postgres_state.py); beats state_path.
    state_url: str | None = None
    # Processes serving one port (`--workers N`); more than one needs state_url.
    workers: int = 1
    journal_size: int = 200
    # Build scenarios (create, reset) in a separate build process, so the build shares no GIL with
    # the event loop (control/build_worker.py). The CLI turns it on; off, they build in a thread.
    build_process: bool = False
    # --- protocol ---
    # Seconds a request's head, and then its body, may take to arrive before it is dropped (408).
    request_timeout: float = 30.0
    # Connections served at once; past it a request is answered 503 (uvicorn's limit_concurrency).
    max_connections: int = 1000
    # --- a mock shared by a team: what its users may keep, and the operator's token ---
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    # Sent as X-Mock-Admin-Token, lets the operator delete or make anew the demo sandboxes and
    # pass the sandbox limit; None: nobody can.
    admin_token: str | None = None

    def serves(self, api: str) -> bool:
        """Whether the API of that name (`--apis`) is served."""
        return self.apis is None or api in self.apis
