"""Trimble CoPilot fleet vehicles (`/api/assets/v1/vehicles`): the sandbox's fleet as Trimble's
vehicles API serves it. The sandbox token is the Trimble bearer token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver

from ...direct import DirectApi
from ...swagger_ui import swagger_ui_options
from ...yaml_files import load_yaml
from ..base import ApiPack, FleetCar, fleet_summary
from .errors import TrimbleErrorsMiddleware, error_answer
from .faults import FAULTS
from .fleet import TrimbleState, seed_fleet

if TYPE_CHECKING:
    from connexion import AsyncApp

    from ...app import MockWorld
    from ...store.sandbox import Sandbox

SPEC_PATH = Path(__file__).with_name("openapi.yaml")
BASE_PATH = "/api/assets/v1"
TITLE = "Trimble CoPilot fleet vehicles API"


def _credentials(sandbox: Sandbox) -> dict[str, str]:
    return {"token": sandbox.token}


def _mount(app: AsyncApp, world: MockWorld) -> DirectApi:
    from .handlers import TrimbleHandlers

    handlers = TrimbleHandlers(world, PACK)
    # Added before the engine's own middleware, so outermost: every answer under the base path,
    # the last-resort 500 included, leaves in the API's error shape.
    keep = frozenset({401}) if "trimble-401-problem-json" in world.settings.planted_faults else frozenset()
    app.add_middleware(
        TrimbleErrorsMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        base_path=BASE_PATH,
        keep_problems_for=keep,
    )

    def resolve(operation_id: str) -> Callable[..., Any]:
        return getattr(handlers, operation_id)

    app.add_api(
        load_yaml(SPEC_PATH),
        base_path=BASE_PATH,
        name="trimble",
        resolver=Resolver(function_resolver=resolve),
        validate_responses=world.settings.validate_responses,
        strict_validation=True,
        swagger_ui_options=swagger_ui_options(TITLE, BASE_PATH),
    )
    # Its plain operations (bearer token, typed query, JSON body) are served by the direct path.
    return DirectApi(app.middleware.apis[-1].specification, resolve, BASE_PATH)


def _seed(state: Any, cars: list[FleetCar]) -> None:
    seed_fleet(state, cars)


PACK = ApiPack(
    name="trimble",
    title=TITLE,
    spec_path=SPEC_PATH,
    base_path=BASE_PATH,
    new_state=TrimbleState,
    state_from_json=TrimbleState.from_json,
    credentials=_credentials,
    credential_values=lambda sandbox: [],  # bearer tokens name sandboxes already
    credential_in=None,
    mount=_mount,
    seed_fleet=_seed,
    error_answer=error_answer,
    faults=FAULTS,
    docs_page="trimble",
    summary=fleet_summary("trimble"),
)
