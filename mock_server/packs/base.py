"""What an API pack gives the engine: its spec and where it is served, its part of a sandbox's state,
the credentials a sandbox has for it, and how its requests name their sandbox.

A pack is one folder under mock_server/packs/ and one line in mock_server/packs/installed.py. The
engine (sandboxes, journal, gate, persistence, fault injection, the control API) treats every pack
the same way through this interface; a pack depends on the engine, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
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
    """A pack's part of one sandbox: plain data that survives snapshots, restores and restarts.

    A part that grows with the sandbox may also declare `ROWS` (a tuple of KeyedRows and LogRows)
    and `core_json()` (its JSON without those lists): the stores then keep each item as a row of
    its own, so a write costs what changed (store/row_layout.py). Its `to_json()` is then
    `core_json()` with each of those lists under its `part` key. Optional too:
    `image_locations()`, the uploaded images the part shows (kept while shown), and
    `clock_started(now)`, told when the sandbox is made or reset."""

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class KeyedRows:
    """A kind of row of a pack's part: items by key, in the part's order, each compared with what
    was last written by a cheap fingerprint (equal while its JSON is)."""

    kind: str  # stored as "<pack>.<kind>"
    part: str  # the key of the part's to_json() that holds the list
    items: Callable[[Any], Mapping[str, Any]]  # the part -> its items by key, in order
    fingerprint: Callable[[Any], tuple[object, ...]]
    to_json: Callable[[Any], dict[str, Any]]
    key_of: Callable[[Mapping[str, Any]], str]  # the key of an item as stored


class ChangeLog(Protocol):
    """Items with an integer `id` (their place) that say which changed since they were last asked
    (store/service_log.py's ServiceLogStore)."""

    def __iter__(self) -> Iterator[Any]: ...
    def get(self, item_id: int) -> Any: ...
    def take_changes(self) -> set[int]: ...
    def mark_changed(self, *item_ids: int) -> None: ...


@dataclass(frozen=True)
class LogRows:
    """A kind of row of a pack's part kept in a ChangeLog: only the items it says changed are written;
    a new log object (a restore, a reset, a sandbox loaded again) has all its rows written anew."""

    kind: str
    part: str
    log: Callable[[Any], ChangeLog]
    to_json: Callable[[Any], dict[str, Any]]


RowPart = KeyedRows | LogRows


def rows_of(state: Any) -> tuple[RowPart, ...]:
    """The kinds of row a pack's part declares (none: it is kept whole in the sandbox's core)."""
    return getattr(state, "ROWS", ())


def core_json(state: Any) -> dict[str, Any]:
    """A pack's part as JSON, without the lists it keeps as rows."""
    return state.core_json() if rows_of(state) else state.to_json()


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
    # What the sandbox holds in this API, in a few words, for the landing page ("3 vehicles, 40
    # service-log entries"); None: nothing (the page then does not name the API for it).
    summary: Callable[[Sandbox], str | None] | None = None
    # The sandbox's clock was read or moved: send what fell due by its now (CarOwner: reminders,
    # EU-kontroll notices), once. It returns what went out as control.yaml's Notification objects,
    # for the control API's answer.
    time_passed: Callable[[Sandbox], list[dict[str, Any]]] | None = None
    # The uploaded images a stored part (its JSON, a snapshot's) shows: kept while one does.
    stored_images: Callable[[Mapping[str, Any]], Iterable[str | None]] | None = None
    # The pack's services for one world (its domain services, signers, clients), made once per world
    # and kept in `world.pack_services[name]` (`pack_services`); what a caller of `build_world` hands
    # the pack is in `world.pack_options.get(name)`. None: the API needs none beyond the engine's.
    services: Callable[[MockWorld], Any] | None = None
    # The pack's own control operations: an object whose public methods answer the operationIds of
    # the control API (control.yaml) that belong to the API (CarOwner: the workshop side). None: the
    # API adds no operation to the control API.
    controls: Callable[[MockWorld], object] | None = None
    # The pack's members of control.yaml's Sandbox (CarOwner: its counts; the registry: the faults
    # set), merged into the engine's; members that are objects are merged member by member. Asked of
    # every installed pack, served or not, so the control API's shape never depends on --apis.
    control_view: Callable[[Sandbox], dict[str, Any]] | None = None
    # The same for control.yaml's Snapshot, from the pack's part of the snapshot as stored (its JSON;
    # None: the snapshot holds no part of the pack).
    snapshot_view: Callable[[Mapping[str, Any] | None], dict[str, Any]] | None = None


def fleet_summary(name: str) -> Callable[[Sandbox], str | None]:
    """A fleet API's summary (ApiPack.summary): how many vehicles the sandbox's fleet has in the
    pack `name` (its part has `vehicles`), once the part is made. The demo fleet seeds every fleet
    API with the same cars, so their summaries read the same and the page says it once."""

    def summary(sandbox: Sandbox) -> str | None:
        state = sandbox.packs.get(name)
        return None if state is None else f"{len(state.vehicles)} vehicles in the fleet APIs"

    return summary


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
        state = part_of(sandbox, pack.name, pack.new_state)
    return state


def part_of(sandbox: Sandbox, name: str, new: Callable[[], Any]) -> Any:
    """The part of pack `name` of a sandbox, made with `new` the first time it is needed (a pack's
    own accessor, which cannot name its ApiPack without an import cycle, uses this)."""
    state = sandbox.packs.get(name)
    if state is None:
        state = sandbox.packs[name] = new()
    return state


def clock_started(sandbox: Sandbox) -> None:
    """The sandbox was made or reset: every part that counts from its clock starts now."""
    now = sandbox.clock.now()
    for state in sandbox.packs.values():
        start = getattr(state, "clock_started", None)
        if start is not None:
            start(now)


def time_passed(sandbox: Sandbox, packs: Iterable[ApiPack]) -> list[dict[str, Any]]:
    """What fell due by the sandbox's now, sent by each pack (ApiPack.time_passed)."""
    return [sent for pack in packs if pack.time_passed is not None for sent in pack.time_passed(sandbox)]


def image_locations(sandbox: Sandbox) -> list[str | None]:
    """Where the uploaded images the sandbox's parts and its snapshots show are."""
    locations: list[str | None] = []
    for state in sandbox.packs.values():
        shown = getattr(state, "image_locations", None)
        if shown is not None:
            locations += shown()
    for snapshot in sandbox.snapshots.values():
        for name, raw in snapshot.state.get("packs", {}).items():
            pack = registered_pack(name)
            if pack is not None and pack.stored_images is not None:
                locations += pack.stored_images(raw)
    return locations


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


def installed_packs() -> tuple[ApiPack, ...]:
    """Every installed pack, served or not (registered when first asked for)."""
    from . import installed

    return installed.PACKS


def registered_pack(name: str) -> ApiPack | None:
    """The installed pack of that name; the installed packs are registered when first asked for (a
    stored state read before the app was built still finds its packs)."""
    if name not in _REGISTERED:
        from . import installed  # noqa: F401  (registers every installed pack)
    return _REGISTERED.get(name)


def state_from_json(name: str, raw: Mapping[str, Any]) -> Any:
    pack = registered_pack(name)
    if pack is None or pack.state_from_json is None:
        return StoredPackState(raw)
    return pack.state_from_json(raw)
