"""Connexion's Swagger UI middleware, serving the specs (`/openapi.json`, `/__mock/openapi.json`) as
compact JSON like every other answer; upstream writes them with Python's spaced separators."""

from __future__ import annotations

import typing as t

from connexion import AsyncApp
from connexion.middleware.swagger_ui import SwaggerUIAPI, SwaggerUIMiddleware
from starlette.requests import Request
from starlette.responses import Response

from .fast_json import compact_json

JSON = "application/json"


class _CompactSwaggerUIAPI(SwaggerUIAPI):
    async def _get_openapi_json(self, request: Request) -> Response:
        return Response(compact_json(self._spec_for_prefix(request)), media_type=JSON)

    async def _get_swagger_ui_config(self, request: Request) -> Response:
        return Response(compact_json(self.options.swagger_ui_config), media_type=JSON)


class _CompactSwaggerUIMiddleware(SwaggerUIMiddleware):
    def add_api(
        self, specification: t.Any, base_path: str | None = None, arguments: t.Any = None, **kwargs: t.Any
    ) -> None:
        api = _CompactSwaggerUIAPI(
            specification, base_path=base_path, arguments=arguments, default=self.default_fn, **kwargs
        )
        self.router.mount(api.base_path, app=api.router)


def serve_specs_compact(app: AsyncApp) -> None:
    """Swap the app's Swagger UI middleware for the compact one (before the app starts; the APIs are
    handed to it then). MiddlewarePosition.BEFORE_SWAGGER no longer finds it afterwards."""
    stack = app.middleware.middlewares
    stack[stack.index(SwaggerUIMiddleware)] = _CompactSwaggerUIMiddleware
