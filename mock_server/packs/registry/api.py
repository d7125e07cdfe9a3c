"""Mount the registry fake on a Connexion AsyncApp under the registry's own base path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import connexion
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver

from ...yaml_files import load_yaml
from .handlers import RegistryHandlers
from .oslo_time import utc_now
from .service import RegistryService

SPEC_PATH = Path(__file__).with_name("vegvesen.yaml")
BASE_PATH = "/ws/no/vegvesen/kjoretoy/felles/datautlevering"
ENKELTOPPSLAG_PATH = f"{BASE_PATH}/enkeltoppslag/kjoretoydata"


def add_registry_api(
    app: connexion.AsyncApp, service: RegistryService, *, clock: Callable[[], datetime] = utc_now
) -> None:
    """Serve vegvesen.yaml under BASE_PATH with request and response validation, operations resolved
    to the bound methods of one RegistryHandlers. The registry publishes no UI or spec at that path,
    so neither does the fake."""
    handlers = RegistryHandlers(service, clock)
    app.add_api(
        load_yaml(SPEC_PATH),
        base_path=BASE_PATH,
        name="vegvesen",
        resolver=Resolver(function_resolver=lambda operation_id: getattr(handlers, operation_id)),
        validate_responses=True,
        swagger_ui_options=SwaggerUIOptions(swagger_ui=False, serve_spec=False),
    )
