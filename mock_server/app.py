"""create_app(settings) -> AsyncApp: the spec is the router; handlers are bound to one MockWorld."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.jsonifier import Jsonifier
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from connexion.security import BearerSecurityHandler
from starlette.middleware.cors import CORSMiddleware

from .domain.errors import DomainError
from .domain.export_tokens import ExportTokenSigner
from .domain.images import ImageStore
from .domain.vehicles import HistoryProvider, VehicleService
from .errors import register_error_handlers
from .faults import check_fault_names
from .faults.behaviour import FaultyServiceLogHandlers, FaultyVehicleHandlers, FaultyVehicleService
from .faults.wire import FaultyRequestMiddleware, FaultyResponseMiddleware
from .handlers.media import media_route
from .handlers.service_log import ServiceLogHandlers
from .handlers.vehicles import VehicleHandlers
from .middleware import BodyLimitMiddleware, MethodNotAllowedMiddleware, RequestIdMiddleware, routes_of
from .problems import from_domain_error
from .settings import SPEC_PATH, Settings
from .store.sandbox import SandboxRegistry
from .validation import validator_map
from .vegvesen.api import BASE_PATH as REGISTRY_BASE_PATH
from .vegvesen.api import SPEC_PATH as REGISTRY_SPEC_PATH
from .vegvesen.api import add_registry_api
from .vegvesen.client import HttpRegistryClient, InProcessRegistryClient, RegistryClient
from .vegvesen.service import RegistryService

log = logging.getLogger(__name__)
# Connexion warns on every request to an operation with two request content types; that is by design here.
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)


@dataclass
class MockWorld:
    """All state of one running mock. Nothing lives at module level."""

    settings: Settings
    sandboxes: SandboxRegistry
    registry: RegistryService
    images: ImageStore
    vehicles: VehicleService
    export_signer: ExportTokenSigner


def build_world(settings: Settings, history: HistoryProvider | None = None) -> MockWorld:
    check_fault_names(settings.planted_faults)
    registry = RegistryService()
    client: RegistryClient
    if settings.registry_url:
        client = HttpRegistryClient(settings.registry_url, settings.registry_api_key)
    else:
        client = InProcessRegistryClient(registry, settings.registry_api_key)
    images = ImageStore()
    sandboxes = SandboxRegistry()
    vehicles = (
        FaultyVehicleService(client, images, history, faults=settings.planted_faults, sandboxes=sandboxes)
        if settings.planted_faults
        else VehicleService(client, images, history)
    )
    return MockWorld(
        settings=settings,
        sandboxes=sandboxes,
        registry=registry,
        images=images,
        vehicles=vehicles,
        export_signer=ExportTokenSigner(settings.export_secret or secrets.token_bytes(32)),
    )


def _answer_domain_errors(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Broken rules become problem responses inside the handler, so response validation sees them."""

    @functools.wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await handler(*args, **kwargs)
        except DomainError as error:
            return from_domain_error(error)

    return wrapper


def _operations(world: MockWorld) -> dict[str, Callable[..., Any]]:
    faults = world.settings.planted_faults
    if faults:
        vehicles: VehicleHandlers = FaultyVehicleHandlers(world.sandboxes, world.vehicles, faults=faults)
        service_log: ServiceLogHandlers = FaultyServiceLogHandlers(
            world.sandboxes, world.export_signer, world.settings.realtime, faults=faults
        )
    else:
        vehicles = VehicleHandlers(world.sandboxes, world.vehicles)
        service_log = ServiceLogHandlers(world.sandboxes, world.export_signer, world.settings.realtime)
    table: dict[str, Callable[..., Any]] = {}
    for handlers in (vehicles, service_log):
        for name in dir(handlers):
            if name[0].islower() and not name.startswith("_") and callable(getattr(handlers, name)):
                table[name] = _answer_domain_errors(getattr(handlers, name))
    return table


def _bearer_security(sandboxes: SandboxRegistry) -> type[BearerSecurityHandler]:
    def token_info(token: str) -> dict[str, str] | None:
        return {"sub": token} if sandboxes.by_token(token) is not None else None

    class SandboxBearer(BearerSecurityHandler):
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[[str], dict[str, str] | None]:
            return token_info

    return SandboxBearer


def _spec_routes() -> list[tuple[str, frozenset[str]]]:
    def load(path: Path) -> dict[str, Any]:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    return routes_of(load(SPEC_PATH)) + routes_of(load(REGISTRY_SPEC_PATH), REGISTRY_BASE_PATH)


def create_app(settings: Settings | None = None, world: MockWorld | None = None) -> AsyncApp:
    settings = settings or Settings()
    world = world or build_world(settings)
    operations = _operations(world)
    app = AsyncApp(
        __name__,
        security_map={"bearer": _bearer_security(world.sandboxes)},
        validator_map=validator_map(),
        # Norwegian text goes out as UTF-8 ("Blå"), not as \u escapes.
        jsonifier=Jsonifier(ensure_ascii=False),
    )
    app.add_api(
        SPEC_PATH,
        resolver=Resolver(function_resolver=operations.__getitem__),
        validate_responses=settings.validate_responses,
        strict_validation=True,
        swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/ui"),
    )
    add_registry_api(app, world.registry)
    app.add_url_rule("/media/{filename}", "media", media_route(world.images), methods=["GET"])
    # Inserted before ExceptionMiddleware in the order given, outermost first: request ids wrap
    # everything, CORS answers preflights before any method or size rule sees them.
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
    if settings.planted_faults:
        for middleware in (FaultyResponseMiddleware, FaultyRequestMiddleware):
            options: dict[str, Any] = {"faults": settings.planted_faults}
            if middleware is FaultyRequestMiddleware:
                options["sandboxes"] = world.sandboxes
            app.add_middleware(middleware, position=MiddlewarePosition.BEFORE_EXCEPTION, **options)
    app.add_middleware(
        MethodNotAllowedMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, routes=_spec_routes()
    )
    app.add_middleware(BodyLimitMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    register_error_handlers(app)
    app.world = world  # type: ignore[attr-defined]
    return app
