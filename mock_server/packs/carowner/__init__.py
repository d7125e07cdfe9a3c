"""The MinBil CarOwner API (`/api/co`): the vehicles, the service log and the notification settings
of the owner a bearer token names. Its spec stays `openapi.yaml` at the top of the repository; its
handlers, domain rules, Prefer, planted faults and seeding (the demo users and the scenarios) live
here. The sandbox token is the CarOwner bearer token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver

from ...direct import DirectApi, Envelope
from ...settings import SPEC_PATH
from ...swagger_ui import swagger_ui_options
from ...yaml_files import load_yaml
from ..base import ApiPack
from .faults import FAULTS
from .handlers.controls import control_view, snapshot_view, time_passed
from .services import build_services, carowner_services
from .state import CarOwnerState, state_from_json, stored_images, summary

if TYPE_CHECKING:
    from collections.abc import Callable

    from connexion import AsyncApp

    from ...app import MockWorld
    from ...store.sandbox import Sandbox

TITLE = "MinBil CarOwner API"


def _credentials(sandbox: Sandbox) -> dict[str, str]:
    return {"token": sandbox.token}


def _operations(world: MockWorld) -> dict[str, Callable[..., Any]]:
    from ...resolution import operations
    from .faults.behaviour import FaultyServiceLogHandlers, FaultyVehicleHandlers
    from .handlers.service_log import ServiceLogHandlers
    from .handlers.vehicles import VehicleHandlers

    faults = world.settings.planted_faults
    services = carowner_services(world)
    if faults:
        vehicles: VehicleHandlers = FaultyVehicleHandlers(world.sandboxes, services.vehicles, faults=faults)
        service_log: ServiceLogHandlers = FaultyServiceLogHandlers(
            world.sandboxes, services.export_signer, world.settings.realtime, faults=faults
        )
    else:
        vehicles = VehicleHandlers(world.sandboxes, services.vehicles)
        service_log = ServiceLogHandlers(world.sandboxes, services.export_signer, world.settings.realtime)
    return operations(vehicles, service_log)


# Reads whose data is the sandbox's state and the arguments only (not the clock): their checked
# answer may be sent again while nothing changed (mock_server/direct/reuse.py).
PURE_READS = frozenset({"getVehicles", "listServiceLogs", "getLatestServiceLogs", "getServiceLogSummary"})


def _mount(app: AsyncApp, world: MockWorld) -> DirectApi:
    from .handlers.media import media_route

    operations = _operations(world)
    app.add_api(
        load_yaml(SPEC_PATH),
        resolver=Resolver(function_resolver=operations.__getitem__),
        validate_responses=world.settings.validate_responses,
        strict_validation=True,
        swagger_ui_options=swagger_ui_options(TITLE),
    )
    specification = app.middleware.apis[-1].specification  # the one just added, refs resolved
    app.add_url_rule("/media/{filename}", "media", media_route(world.images), methods=["GET"])
    return DirectApi(specification, operations.__getitem__, pure_reads=PURE_READS, envelope=Envelope())


def _controls(world: MockWorld) -> object:
    from .handlers.controls import WorkshopControls

    return WorkshopControls(world.sandboxes, carowner_services(world).workshop)


def _middleware(app: AsyncApp, world: MockWorld) -> None:
    from .prefer import DocumentedResponses, PreferMiddleware

    settings = world.settings
    if settings.planted_faults:
        from .faults.rewrites import FaultyRewriteMiddleware
        from .faults.wire import FaultyRequestMiddleware, FaultyResponseMiddleware

        for middleware in (FaultyResponseMiddleware, FaultyRequestMiddleware):
            options: dict[str, Any] = {"faults": settings.planted_faults}
            if middleware is FaultyRequestMiddleware:
                options["sandboxes"] = world.sandboxes
            app.add_middleware(middleware, position=MiddlewarePosition.BEFORE_EXCEPTION, **options)
        app.add_middleware(
            FaultyRewriteMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            faults=settings.planted_faults,
            sandboxes=world.sandboxes,
        )
    # Prefer answers come after routing, security and request validation, inside response validation.
    app.add_middleware(
        PreferMiddleware,
        position=MiddlewarePosition.BEFORE_CONTEXT,
        documented=DocumentedResponses(load_yaml(SPEC_PATH)),
        seed=settings.seed,
    )


PACK = ApiPack(
    name="carowner",
    title=TITLE,
    spec_path=SPEC_PATH,
    base_path="",  # the spec's paths carry /api/co themselves
    credentials=_credentials,
    mount=_mount,
    new_state=CarOwnerState,
    state_from_json=state_from_json,
    summary=summary,
    time_passed=time_passed,
    control_view=control_view,
    snapshot_view=snapshot_view,
    stored_images=stored_images,
    middleware=_middleware,
    faults=FAULTS,
    services=build_services,
    controls=_controls,
)
