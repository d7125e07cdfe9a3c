"""Swagger UI for /ui and /__mock/ui from our own page template (templates/swagger-ui/index.j2).

Connexion's stock page has no viewport tag, so a phone lays it out 980 px wide. Connexion serves
the page and the static files from one template folder; ours holds only the page, whose scripts and
styles come from the swagger-ui-bundle package at ASSETS_PATH (served by `assets_route`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from connexion.options import SwaggerUIOptions
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from swagger_ui_bundle import swagger_ui_path

from .problems import encode, problem_body, problem_headers

TEMPLATE_DIR = Path(__file__).with_name("templates") / "swagger-ui"
ASSETS_PATH = "/swagger-ui"
ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-16x16.png",
        "favicon-32x32.png",
        "oauth2-redirect.html",
    }
)


def swagger_ui_options(title: str, base_path: str = "") -> SwaggerUIOptions:
    """The UI at `{base_path}/ui/`; the asset links are relative, so a path prefix added by a
    proxy keeps working."""
    depth = base_path.strip("/").count("/") + 1 if base_path.strip("/") else 0
    assets = "../" * (depth + 1) + ASSETS_PATH.lstrip("/")
    return SwaggerUIOptions(
        swagger_ui_path="/ui",
        swagger_ui_template_dir=str(TEMPLATE_DIR),
        swagger_ui_template_arguments={"title": title, "assets": assets},
    )


def assets_route() -> Callable[[Request], Awaitable[Response]]:
    """The endpoint for `{ASSETS_PATH}/{name}`: the bundle's files the page uses, nothing else."""
    folder = Path(str(swagger_ui_path))

    async def serve(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return Response(
                encode(problem_body("NOT_FOUND", "No such Swagger UI file.")),
                404,
                problem_headers("NOT_FOUND"),
            )
        return FileResponse(folder / name, headers={"Cache-Control": "public, max-age=86400"})

    return serve
