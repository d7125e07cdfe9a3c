"""create_app(settings) -> AsyncApp: the spec is the router; handlers are bound to one MockWorld."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.security import BearerSecurityHandler

from minbil_docs.landing import DemoUser, landing_endpoint
from minbil_docs.serve import docs_endpoint

from .callers import CallerMiddleware
from .compact_specs import serve_specs_compact
from .control.api import BASE_PATH as CONTROL_BASE_PATH
from .control.api import add_control_api
from .control.build_worker import BuildWorker
from .control.operator import Operator
from .control.sandbox_handlers import SandboxHandlers
from .control.service_handlers import ServiceHandlers
from .control.world_handlers import WorldHandlers
from .direct import (
    AnswerCache,
    DirectPath,
    DirectPathMiddleware,
    FastLaneMiddleware,
    WireAnswers,
    prepare_api,
)
from .domain.images import ImageStore
from .domain.limits import StorageBudget
from .domain.sandboxes import EmptyOnly, SandboxLifecycle, ScenarioSource, image_ids_in_use
from .errors import register_error_handlers
from .fast_app import PreparedAsyncApp
from .fast_json import RememberingJsonifier
from .fast_validation import CompiledSchemas
from .injection import FaultInjector
from .injection.middleware import FaultInjectionMiddleware
from .journal import JournalMiddleware, RequestJournal
from .middleware import CORSMiddleware, MethodNotAllowedMiddleware, RequestIdMiddleware, routes_of
from .packs.base import ApiPack, check_fault_names, pack_services
from .packs.installed import PACKS, served_packs
from .persistence import PersistenceMiddleware
from .realtime.endpoint import BROADCAST_PATH, RealtimeAuth, RealtimeMiddleware, broadcast_endpoint
from .realtime.hub import RealtimeHub
from .request_body import RequestBodyMiddleware
from .routes import RouteTable
from .sandbox_gate import SandboxGate, SandboxGateMiddleware
from .settings import Settings
from .store.sandbox import Sandbox, SandboxRegistry
from .store.sqlite_state import SqliteState
from .swagger_ui import ASSETS_PATH, assets_route
from .validation import validator_map
from .yaml_files import load_yaml

if TYPE_CHECKING:
    from .store.postgres_state import PostgresState

log = logging.getLogger(__name__)
# Connexion warns on every request to an operation with two request content types; that is by design here.
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)


@dataclass
class MockWorld:
    """All state of one running mock. Nothing lives at module level."""

    settings: Settings
    sandboxes: SandboxRegistry
    images: ImageStore
    # The mock controls: which operation a path is, sandbox lives, injected faults, the request
    # journal, and the state file (None: in memory).
    routes: RouteTable
    lifecycle: SandboxLifecycle
    injector: FaultInjector
    journal: RequestJournal
    # The Realtime server's channels and sockets; every sandbox's live events go there.
    realtime: RealtimeHub
    state: SqliteState | PostgresState | None = None
    packs: tuple[ApiPack, ...] = ()  # the APIs served (--apis), each with its part of every sandbox
    # Where whole sandboxes are built, restored and freed: a build process (settings.build_process)
    # and one thread, off the event loop.
    builds: BuildWorker = field(default_factory=BuildWorker)
    demo_tokens: tuple[str, ...] = ()  # the seeded demo users' (the landing page lists them)
    shared: SharedWiring | None = None  # with a store several processes share (state_url)
    restored: bool = False  # the store's world was loaded (load_stored_world)
    # Each pack's services for this world, by pack name (ApiPack.services; packs.base.pack_services),
    # and what the caller of build_world handed each pack for them.
    pack_services: dict[str, Any] = field(default_factory=dict)
    pack_options: Mapping[str, Any] = field(default_factory=dict)


def build_world(
    settings: Settings,
    *,
    scenarios: Callable[[MockWorld], ScenarioSource] | None = None,
    packs: tuple[ApiPack, ...] | None = None,
    pack_options: Mapping[str, Any] | None = None,
) -> MockWorld:
    """The world of one mock. With settings.state_path (or state_url), the sandboxes kept there are
    restored.
    `scenarios`: where sandboxes are built from, made once the packs' services are (default: empty
    sandboxes only). `packs`: the APIs to serve (default: the installed ones `settings.apis` names).
    `pack_options`: by pack name, what a pack's services are made with (CarOwner: its seeded history
    and workshops)."""
    packs = served_packs(settings.apis) if packs is None else packs
    check_fault_names(settings.planted_faults, packs)
    routes = RouteTable.from_specs([(load_yaml(pack.spec_path), pack.base_path) for pack in packs])
    # Every served API's credentials name the sandbox (a Navixy hash, say), beside its token.
    journal = RequestJournal(settings.journal_size)
    realtime = RealtimeHub(journal, settings.planted_faults)
    sandboxes = SandboxRegistry(
        lambda sandbox: [v for p in packs if p.credential_values for v in p.credential_values(sandbox)],
        live=realtime.publish,
    )
    # Snapshots and uploaded images share one budget; an image is kept while something shows it.
    budget = StorageBudget(settings.limits.storage_budget_bytes)
    images = ImageStore(budget, referenced=lambda: image_ids_in_use(sandboxes))
    state = _open_state(settings)
    injector = FaultInjector(settings.fault_rules, settings.seed, routes.operation_ids)

    def forget(token: str) -> None:
        journal.forget(token)
        injector.forget(token)
        realtime.forget(token)

    world = MockWorld(
        settings=settings,
        sandboxes=sandboxes,
        images=images,
        routes=routes,
        lifecycle=SandboxLifecycle(
            sandboxes, EmptyOnly(), limits=settings.limits, images=images, budget=budget, forget=forget
        ),
        injector=injector,
        journal=journal,
        realtime=realtime,
        state=state,
        packs=packs,
        builds=BuildWorker(processes=settings.build_process),
        pack_options=dict(pack_options or {}),
    )
    # Each served pack's services (and those of the packs they use: the registry fake for CarOwner).
    for pack in packs:
        if pack.services is not None:
            pack_services(world, pack)
    if scenarios is not None:
        world.lifecycle.use_scenarios(scenarios(world))
    if world.state is not None and world.state.seeded:
        load_stored_world(world)
    if settings.state_url is not None:
        _share(world)
    return world


def load_stored_world(world: MockWorld) -> None:
    """The sandboxes and images the store keeps, made this world's."""
    assert world.state is not None
    for sandbox in world.state.load_sandboxes():
        world.sandboxes.add(sandbox)
    for image in world.state.load_images():
        world.images.put(image)
    world.images.collect()  # a file written before images were freed may keep some nobody shows
    world.lifecycle.snapshot_bytes()  # weigh the stored snapshots now, not on a later request
    world.restored = True


def _open_state(settings: Settings) -> SqliteState | PostgresState | None:
    if settings.state_url is not None:
        from .store.postgres_state import PostgresState  # psycopg only for those who use it

        return PostgresState(settings.state_url)
    return SqliteState(settings.state_path) if settings.state_path else None


def _share(world: MockWorld) -> None:
    """Another process may make, change or delete any sandbox: ask the store for what is not here."""
    state, sandboxes, images = world.state, world.sandboxes, world.images
    assert state is not None and not isinstance(state, SqliteState)

    def missing(token: str) -> Sandbox | None:
        if state.pending_delete(token, sandboxes):  # deleted here, the commit still to come
            return None
        sandbox = state.load_sandbox(token)
        if sandbox is not None:
            sandboxes.add(sandbox)
            shown_images(token)
        return sandbox

    def unknown_credential() -> None:
        for token in state.unknown_tokens(sandbox.token for sandbox in sandboxes):
            sandboxes.by_token(token)

    def shown_images(token: str) -> None:
        sandbox = sandboxes.peek(token)
        for image in image_ids_in_use([sandbox] if sandbox is not None else []):
            images.fetch(image)

    sandboxes.on_miss = missing
    sandboxes.on_unknown_credential = unknown_credential
    images.on_miss = state.load_image
    world.lifecycle.used_elsewhere = state.used_within
    # --max-sandboxes and the storage budget hold for all processes together.
    world.lifecycle.kept_elsewhere = lambda: state.tokens_kept(sandboxes)
    world.lifecycle.refresh_from_store = lambda token: state.refresh(
        token, sandboxes, world.lifecycle.forget_held
    )
    world.lifecycle.budget.kept_elsewhere = state.stored_bytes
    # A sandbox's fault rules draw the same sequence whichever process serves each request.
    world.injector.shared_draws, world.injector.forget_draws = state.next_draw, state.forget_draws
    # Live events reach the sockets of every process: NOTIFY with each commit, LISTEN in each.
    from .realtime.bus import PostgresBus

    bus = world.realtime.bus = PostgresBus(state, world.realtime)
    # A sandbox's journal gathered from every process that served it (asked when read).
    from .shared_journal import SharedJournal

    SharedJournal(world.journal, state, bus)
    world.shared = SharedWiring(shown_images, world.lifecycle.forget_held, bus.flush)


@dataclass(frozen=True)
class SharedWiring:
    """What the shared-state middleware calls: a sandbox loaded anew, one deleted elsewhere."""

    refreshed: Callable[[str], None]
    dropped: Callable[[str], None]
    published: Callable[[str], None]  # a request ended: its live events no commit carried go out


def _service_handlers(world: MockWorld) -> ServiceHandlers:
    if world.state is None:
        return ServiceHandlers("memory")
    if isinstance(world.state, SqliteState):
        return ServiceHandlers("sqlite")
    return ServiceHandlers("postgresql", world.state.ready)


def _token_info(sandboxes: SandboxRegistry) -> Callable[[str], dict[str, str] | None]:
    def token_info(token: str) -> dict[str, str] | None:
        return {"sub": token} if sandboxes.by_token(token) is not None else None

    return token_info


def _bearer_security(token_info: Callable[[str], dict[str, str] | None]) -> type[BearerSecurityHandler]:
    class SandboxBearer(BearerSecurityHandler):
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[[str], dict[str, str] | None]:
            return token_info

    return SandboxBearer


def _demo_users(world: MockWorld) -> list[DemoUser]:
    """The seeded demo users whose sandboxes still exist, with what each holds now."""
    users = []
    for token in world.demo_tokens:
        sandbox = world.sandboxes.by_token(token)
        if sandbox is not None:
            # What each API holds of it, in its own words; the fleet APIs hold the same cars.
            told = [text for pack in world.packs if pack.summary and (text := pack.summary(sandbox))]
            about = "; ".join(dict.fromkeys(told)) or "nothing yet"
            users.append(DemoUser(token, sandbox.display_name, about, pack_credentials(world, sandbox)))
    return users


def _spec_routes(world: MockWorld, control_spec: dict[str, Any]) -> list[tuple[str, frozenset[str]]]:
    return [
        route for pack in world.packs for route in routes_of(load_yaml(pack.spec_path), pack.base_path)
    ] + routes_of(control_spec, CONTROL_BASE_PATH)


def pack_credentials(world: MockWorld, sandbox: Sandbox) -> dict[str, str]:
    """How each fleet API reaches a sandbox that holds data in it, in words, by API name ("Trimble")."""
    told = {}
    every = credentials_of(world, sandbox)
    for pack in world.packs:
        if pack.seed_fleet is not None and pack.name in sandbox.packs:
            given = every[pack.name]
            told[pack.name.title()] = (
                f"Authorization: bearer {given['token']}"
                if set(given) == {"token"}
                else " ".join(f"{key}={value}" for key, value in given.items())
            )
    return told


def _pack_controls(world: MockWorld) -> list[object]:
    """The control operations of every pack the world has in use: those served, and those whose
    services a served pack uses (the registry's faults while CarOwner looks cars up in it)."""
    used = [pack for pack in PACKS if pack not in world.packs and pack.name in world.pack_services]
    return [pack.controls(world) for pack in (*world.packs, *used) if pack.controls is not None]


def credentials_of(world: MockWorld, sandbox: Sandbox) -> dict[str, dict[str, str]]:
    """A sandbox's credentials for every API served: one world, reached from each."""
    return {pack.name: pack.credentials(sandbox) for pack in world.packs}


def create_app(settings: Settings | None = None, world: MockWorld | None = None) -> AsyncApp:
    settings = settings or Settings()
    world = world or build_world(settings)
    token_info = _token_info(world.sandboxes)
    compiled = CompiledSchemas()
    validators = validator_map(compiled)
    # Norwegian text goes out as UTF-8 ("Blå"), not as \u escapes.
    jsonifier = RememberingJsonifier()
    app = PreparedAsyncApp(  # AsyncApp that prepares each operation once, not per request
        __name__,
        security_map={"bearer": _bearer_security(token_info)},
        validator_map=validators,
        jsonifier=jsonifier,
    )
    serve_specs_compact(app)
    gate = SandboxGate()
    # The control API: the engine's operations, and those each served pack adds (CarOwner: the
    # workshop side).
    control_spec = add_control_api(
        app,
        SandboxHandlers(
            world.sandboxes,
            world.lifecycle,
            world.journal,
            world.injector,
            gate=gate,
            operator=Operator(settings.admin_token),
            credentials=lambda sandbox: credentials_of(world, sandbox),
            worker=world.builds,
            packs=world.packs,
        ),
        WorldHandlers(world.sandboxes, world.injector, world.journal),
        validate_responses=settings.validate_responses,
        service_handlers=_service_handlers(world),
        pack_controls=_pack_controls(world),
    )
    # Each served API on its own paths; those that hand back their operations get the direct path.
    mounted = [api for pack in world.packs if (api := pack.mount(app, world)) is not None]
    realtime_auth = RealtimeAuth(settings.realtime.anon_key, world.sandboxes)
    if settings.realtime.enabled:
        rest = broadcast_endpoint(world.realtime, realtime_auth)
        app.add_url_rule(BROADCAST_PATH, "realtime_broadcast", rest, methods=["POST"])
        app.add_url_rule(BROADCAST_PATH + "/{path:path}", "realtime_broadcast_event", rest, methods=["POST"])
    app.add_url_rule("/docs{path:path}", "docs", docs_endpoint(), methods=["GET"])
    app.add_url_rule("/", "landing", landing_endpoint(lambda: _demo_users(world)), methods=["GET"])
    app.add_url_rule(f"{ASSETS_PATH}/{{name}}", "swagger_ui_assets", assets_route(), methods=["GET"])
    # Inserted before ExceptionMiddleware in the order given, outermost first: websockets go to
    # the Realtime server (mock_server/realtime) before any HTTP middleware sees them; request ids
    # wrap everything else, CORS answers preflights before any method or size rule sees them.
    app.add_middleware(
        RealtimeMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        hub=world.realtime,
        auth=realtime_auth if settings.realtime.enabled else RealtimeAuth("", world.sandboxes),
        injector=world.injector,
        idle_timeout_s=settings.realtime.idle_timeout_s,
    )
    if settings.direct_path:
        # A plain GET the direct path serves skips the layers below, done in one (direct/fast_lane.py);
        # one repeating a read answered from the kept answers is answered by the HTTP server itself.
        app.wire = WireAnswers() if settings.reuse_answers else None
        app.add_middleware(
            FastLaneMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            answers=AnswerCache() if settings.reuse_answers else None,
            wire=app.wire,
        )
    app.add_middleware(RequestIdMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(
        CORSMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "Retry-After", "Content-Disposition"],
        max_age=600,
    )
    # The mock controls (README "Mock controls"): the journal sees every answer, faults injected
    # included; a successful change is persisted before its answer leaves; faults come before any
    # method, size or spec rule would answer.
    app.add_middleware(
        JournalMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        journal=world.journal,
        sandboxes=world.sandboxes,
        routes=world.routes,
    )
    # Bodies are read whole here, once, with the size, time and nesting limits (request_body.py);
    # then a request that names its sandbox by another API's credential is told whose it is.
    app.add_middleware(
        RequestBodyMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, timeout=settings.request_timeout
    )
    app.add_middleware(
        CallerMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        resolvers=[(pack.base_path, pack.credential_in) for pack in world.packs if pack.credential_in],
        sandboxes=world.sandboxes,
    )
    if world.shared is not None:
        # Several processes on one store: the caller's sandbox is made the stored one, a change
        # holds its lock across processes (shared_state.py). Outside the gate, which is per process.
        from .shared_state import SharedStateMiddleware

        app.add_middleware(
            SharedStateMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            state=world.state,
            sandboxes=world.sandboxes,
            refreshed=world.shared.refreshed,
            dropped=world.shared.dropped,
            packs=world.packs,
            published=world.shared.published,
        )
    # A snapshot is written out while no other request of its sandbox is in flight (sandbox_gate.py).
    app.add_middleware(SandboxGateMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, gate=gate)
    if world.state is not None:
        app.add_middleware(
            PersistenceMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            state=world.state,
            sandboxes=world.sandboxes,
            images=world.images,
            packs=world.packs,
        )
    app.add_middleware(
        FaultInjectionMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        injector=world.injector,
        routes=world.routes,
        sandboxes=world.sandboxes,
        error_shapes=[(pack.base_path, pack.error_answer) for pack in world.packs if pack.error_answer],
    )
    # Each pack's own middleware (CarOwner: its planted faults and Prefer), inside the controls.
    for pack in world.packs:
        if pack.middleware is not None:
            pack.middleware(app, world)
    app.add_middleware(
        MethodNotAllowedMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        routes=_spec_routes(world, control_spec),
    )
    if settings.direct_path:
        # Requests Connexion would certainly accept are served by operations prepared once
        # (mock_server/direct), the CarOwner API's and those the packs offer; every other request
        # goes on to Connexion unchanged.
        app.add_middleware(
            DirectPathMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            direct=DirectPath(
                [operation for api in mounted for operation in prepare_api(api, compiled)],
                token_info=token_info,
                jsonifier=jsonifier,
                validator_map=validators,
                validate_responses=settings.validate_responses,
            ),
        )
    register_error_handlers(app)
    app.world = world  # type: ignore[attr-defined]
    return app
