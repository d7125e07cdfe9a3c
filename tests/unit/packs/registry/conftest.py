"""Fixtures for the registry fake's tests."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from openapi_core import Config, OpenAPI
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Importing connexion warns twice, outside our control: starlette.testclient finds httpx instead
    # of httpx2, and connexion.json_schema uses jsonschema.RefResolver.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    import connexion  # noqa: F401

from mock_server.packs.registry.api import SPEC_PATH
from mock_server.packs.registry.service import RegistryConfig, RegistryService

from .registry_helpers import OFFICIAL_SPEC, read_json, require_reference


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def service() -> RegistryService:
    return RegistryService()


@pytest.fixture
def make_service() -> Callable[..., RegistryService]:
    def build(**config: Any) -> RegistryService:
        return RegistryService(RegistryConfig(**config))

    return build


@pytest.fixture(scope="session")
def official_openapi() -> OpenAPI:
    """The official 3.1 file as published. It lacks info.version, so the file itself is not
    validated; its `*/*` 200 content is read as JSON; properties it does not declare are errors."""
    spec = read_json(require_reference(OFFICIAL_SPEC))
    config = Config(
        spec_validator_cls=None,
        extra_media_type_deserializers={"*/*": json.loads},
        additional_properties_default_policy="forbid",
    )
    return OpenAPI.from_dict(spec, config=config)


@pytest.fixture(scope="session")
def our_openapi() -> OpenAPI:
    return OpenAPI.from_file_path(
        str(SPEC_PATH), config=Config(additional_properties_default_policy="forbid")
    )
