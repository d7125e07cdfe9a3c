"""Serves uploaded vehicle images back by URL (outside the API: an <img> tag sends no token)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from ....domain.images import ImageStore
from ....problems import encode, problem_body, problem_headers

# A browser must take an image for what its Content-Type says, never guess from the bytes.
NOSNIFF = {"X-Content-Type-Options": "nosniff"}


def media_route(images: ImageStore) -> Callable[[Request], Awaitable[Response]]:
    async def serve(request: Request) -> Response:
        image = images.get(request.path_params["filename"])
        if image is None:
            # Never uploaded, or freed: no vehicle and no snapshot shows it any more.
            return Response(
                encode(problem_body("NOT_FOUND", "No such image.")),
                404,
                {**problem_headers("NOT_FOUND"), **NOSNIFF},
            )
        return Response(
            image.content,
            200,
            {"Cache-Control": "public, max-age=31536000, immutable", **NOSNIFF},
            media_type=image.content_type,
        )

    return serve
