"""Mount the control API (control.yaml) at /__mock, its UI at /__mock/ui, handlers by operationId.

Request and response validation are on, as for the CarOwner API: the control API checks itself on
every answer. Domain errors become problem responses inside the handler, so those are checked too.

control.yaml documents every control operation, the engine's and those of the API packs (CarOwner's
workshop side); a pack answers its own through `ApiPack.controls`. An operation no handler answers
(its pack is not served) is left out of the control API served, so its path answers 404 like the
paths of an API left out of `--apis`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def load_spec() -> dict[str, Any]:
    return load_yaml(SPEC_PATH)


def served_spec(answered: Iterable[str]) -> dict[str, Any]:
    """The control spec with only the operations answered (by operationId); the parsed file itself,
    shared by every app of the process, is left as written."""
    spec = load_spec()
    known = set(answered)
    paths: dict[str, Any] = {}
    for path, item in spec["paths"].items():
        kept = {
            key: value
            for key, value in item.items()
            if key not in HTTP_METHODS or value.get("operationId") in known
        }
        if HTTP_METHODS & set(kept):
            paths[path] = kept
    return spec if paths == spec["paths"] else {**spec, "paths": paths}


def spec_operation_ids() -> set[str]:
    spec = load_spec()
    return {
        operation["operationId"]
        for item in spec["paths"].values()
        for key, operation in item.items()
        if key in HTTP_METHODS
    }


def control_operations(
    sandbox_handlers: SandboxHandlers,
    world_handlers: WorldHandlers,
    service_handlers: ServiceHandlers | None = None,
    pack_controls: Iterable[object] = (),
) -> dict[str, Callable[..., Any]]:
    """operationId -> handler: the engine's, then each pack's, which may add operations of
    control.yaml but never answer one of the engine's or another pack's."""
    table = operations(sandbox_handlers, world_handlers, service_handlers or ServiceHandlers("memory"))
    documented = spec_operation_ids()
    for controls in pack_controls:
        added = operations(controls)
        clash = sorted(set(added) & set(table))
        undocumented = sorted(set(added) - documented)
        if clash or undocumented:
            raise ValueError(
                f"{type(controls).__name__}: control operations answered twice ({', '.join(clash) or '-'})"
                f" or not in control.yaml ({', '.join(undocumented) or '-'})"
            )
        table.update(added)
    return table


def add_control_api(
    app: AsyncApp,
    sandbox_handlers: SandboxHandlers,
    world_handlers: WorldHandlers,
    *,
    validate_responses: bool,
    service_handlers: ServiceHandlers | None = None,
    pack_controls: Iterable[object] = (),
) -> dict[str, Any]:
    """Mount the control API; returns the spec served (for the routes of the 405 rule)."""
    table = control_operations(sandbox_handlers, world_handlers, service_handlers, pack_controls)
    spec = served_spec(table)
    app.add_api(
        spec,
        base_path=BASE_PATH,
        name="control",
        resolver=Resolver(function_resolver=table.__getitem__),
        validate_responses=validate_responses,
        strict_validation=True,
        swagger_ui_options=swagger_ui_options("MinBil mock control API", BASE_PATH),
    )
    return spec
