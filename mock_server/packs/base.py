"""What an API pack gives the engine: its spec and where it is served, its part of a sandbox's state,
the credentials a sandbox has for it, and how its requests name their sandbox.

A pack is one folder under mock_server/packs/ and one line in mock_server/packs/installed.py. The
engine (sandboxes, journal, gate, persistence, fault injection, the control API) treats every pack
the same way through this interface; a pack depends on the engine, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from starlette.types import Scope

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

if TYPE_CHECKING:
    from connexion import AsyncApp

    from ..app import MockWorld
    from ..direct import DirectApi
    from ..store.sandbox import Sandbox


class PackState(Protocol):
    """A pack's part of one sandbox: plain data that survives snapshots, restores and restarts."""

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class FleetCar:
    """One vehicle of the demo fleet owner, as the registry fake describes it: every pack seeds its
    fleet from the same list, so a plate has the same VIN, make and model in every API."""

    plate: str
    vin: str
    make: str
    model: str
    kind: str  # "truck" | "van" | "car" | "bus"
    year: int
    fuel: str  # the registry's fuel type, e.g. "Diesel", "Elektrisk", "Bensin"


@dataclass(frozen=True)
class ApiPack:
    name: str  # "navixy": used by --apis, in the stored state and in credentials
    title: str  # "Navixy vehicle API"
    spec_path: Path  # its OpenAPI 3.0.3 file, kept in the pack's folder
    base_path: str  # where the spec's paths are served ("/v2"): the real API's, so only the host changes
    # The sandbox's credentials for this API (shown by the control API and at start-up), made from
    # the sandbox's token so they need no storing: e.g. {"token": ...} or {"hash": ..., "login": ...}.
    credentials: Callable[[Sandbox], dict[str, str]]
    # Mount the API on the app: add_api with the pack's handlers bound to the world. It may hand
    # back the operations it added (DirectApi) for the engine's direct path to serve
    # (mock_server/direct); None: Connexion serves every request of the pack.
    mount: Callable[[AsyncApp, MockWorld], DirectApi | None]
    # The pack's part of a new, empty sandbox, and of a stored one. None: the API keeps nothing per
    # sandbox (the registry fake: one registry for the whole world).
    new_state: Callable[[], PackState] | None = None
    state_from_json: Callable[[Mapping[str, Any]], PackState] | None = None
    # Every credential value that names the sandbox (aliases of its token in the sandbox registry).
    # None: bearer tokens name sandboxes already, or the API's credential names no sandbox.
    credential_values: Callable[[Sandbox], list[str]] | None = None
    # The credential a request carries, from its scope and (already read) body; None: not this
    # pack's way. Packs whose callers send `Authorization: Bearer <token>` need none.
    credential_in: Callable[[Scope, bytes], str | None] | None = None
    # Fill the pack's part of a sandbox with the demo fleet. None: the API has no fleet of its own.
    seed_fleet: Callable[[PackState, list[FleetCar]], None] | None = None
    # The problem answer of an injected fault in this API's own error shape: (status, code, detail)
    # -> (body bytes, content type). None: problem+json like the engine's.
    error_answer: Callable[[int, str, str], tuple[bytes, str]] | None = None
    # The pack's planted faults: name -> what the fault does (as packs/carowner/faults/catalogue.py).
    faults: Mapping[str, str] | None = None
    docs_page: str | None = None  # the docs page slug that documents it
    # Whether a request of a reading method (GET, HEAD) under the pack's base path changes state
    # anyway (Navixy's actions may come as GETs): the engine then treats it as a write, locked
    # across processes on a shared store and persisted when it succeeds. None: no read changes state.
    changes_state: Callable[[Scope], bool] | None = None
    # The pack's own middleware, added where the engine's controls have run (after fault injection,
    # before the 405 rule and the direct path); it may also add middleware at Connexion's later
    # positions (CarOwner: its planted faults, and Prefer after request validation).
    middleware: Callable[[AsyncApp, MockWorld], None] | None = None
    # The pack's services for one world (its domain services, signers, clients), made once per world
    # and kept in `world.pack_services[name]` (`pack_services`); what a caller of `build_world` hands
    # the pack is in `world.pack_options.get(name)`. None: the API needs none beyond the engine's.
    services: Callable[[MockWorld], Any] | None = None
    # The pack's own control operations: an object whose public methods answer the operationIds of
    # the control API (control.yaml) that belong to the API (CarOwner: the workshop side). None: the
    # API adds no operation to the control API.
    controls: Callable[[MockWorld], object] | None = None


def check_fault_names(names: frozenset[str], packs: tuple[ApiPack, ...]) -> None:
    """Every planted fault named is one of a served pack's."""
    known = {name for pack in packs for name in pack.faults or {}}
    unknown = sorted(names - known)
    if unknown:
        raise ValueError(f"unknown planted fault(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def may_change_state(scope: Scope, packs: tuple[ApiPack, ...]) -> bool:
    """Whether a request may change state: every method but GET, HEAD and OPTIONS, and the reads a
    pack declares writes (`ApiPack.changes_state`)."""
    if scope["method"] not in READ_ONLY_METHODS:
        return True
    path = scope["path"]
    return any(
        pack.changes_state(scope)
        for pack in packs
        if pack.changes_state is not None and path.startswith(pack.base_path + "/")
    )


def pack_state(sandbox: Sandbox, pack: ApiPack) -> Any:
    """The pack's part of a sandbox, made empty the first time it is needed."""
    state = sandbox.packs.get(pack.name)
    if state is None:
        assert pack.new_state is not None, f"the {pack.name} API keeps nothing per sandbox"
        state = sandbox.packs[pack.name] = pack.new_state()
    return state


def pack_services(world: MockWorld, pack: ApiPack) -> Any:
    """The pack's services for the world: made for every served pack when the world is built, and for
    a pack another one uses (CarOwner: the registry fake) the first time they are asked for."""
    services = world.pack_services.get(pack.name)
    if services is None:
        assert pack.services is not None, f"the {pack.name} API has no services"
        services = world.pack_services[pack.name] = pack.services(world)
    return services


# --- the registered packs (mock_server/packs/installed.py registers them, in one place) ---

_REGISTERED: dict[str, ApiPack] = {}


def register(pack: ApiPack) -> ApiPack:
    if pack.name in _REGISTERED and _REGISTERED[pack.name] is not pack:
        raise ValueError(f"an API pack named {pack.name!r} is registered already")
    _REGISTERED[pack.name] = pack
    return pack


def registered() -> tuple[ApiPack, ...]:
    return tuple(_REGISTERED.values())


@dataclass(frozen=True)
class StoredPackState:
    """The stored part of a pack this process does not load: kept as it was, written back unchanged."""

    raw: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return dict(self.raw)


def state_from_json(name: str, raw: Mapping[str, Any]) -> Any:
    pack = _REGISTERED.get(name)
    if pack is None or pack.state_from_json is None:
        return StoredPackState(raw)
    return pack.state_from_json(raw)
