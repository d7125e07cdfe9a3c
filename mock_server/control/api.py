"""Mount the control API (control.yaml) at /__mock, its UI at /__mock/ui, handlers by operationId.

Request and response validation are on, as for the CarOwner API: the control API checks itself on
every answer. Domain errors become problem responses inside the handler, so those are checked too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connexion import AsyncApp
from connexion.resolver import Resolver

from ..resolution import operations
from ..swagger_ui import swagger_ui_options
from ..yaml_files import load_yaml
from .sandbox_handlers import SandboxHandlers
from .service_handlers import ServiceHandlers
from .world_handlers import WorldHandlers

SPEC_PATH = Path(__file__).with_name("control.yaml")
BASE_PATH = "/__mock"


def load_spec() -> dict[str, Any]:
    return load_yaml(SPEC_PATH)


def add_control_api(
    app: AsyncApp,
    sandbox_handlers: SandboxHandlers,
    world_handlers: WorldHandlers,
    *,
    validate_responses: bool,
    service_handlers: ServiceHandlers | None = None,
) -> None:
    table = operations(sandbox_handlers, world_handlers, service_handlers or ServiceHandlers("memory"))
    app.add_api(
        load_spec(),
        base_path=BASE_PATH,
        name="control",
        resolver=Resolver(function_resolver=table.__getitem__),
        validate_responses=validate_responses,
        strict_validation=True,
        swagger_ui_options=swagger_ui_options("MinBil mock control API", BASE_PATH),
    )
