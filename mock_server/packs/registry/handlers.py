"""Connexion adapter for the registry fake: operationId hentKjoretoydata -> RegistryService.lookup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from connexion import request
from starlette.responses import Response

from ...fast_json import remember
from .oslo_time import utc_now
from .service import AUTHORIZATION_HEADER, RegistryAnswer, RegistryService

JSON = "application/json"


class RegistryHandlers:
    """Bound methods named by operationId; api.py resolves the spec's operations to them."""

    def __init__(self, service: RegistryService, clock: Callable[[], datetime] = utc_now) -> None:
        self._service = service
        self._clock = clock

    async def hentKjoretoydata(  # named by the spec's operationId
        self, kjennemerke: str | None = None, understellsnummer: str | None = None
    ) -> Response:
        answer = self._service.lookup(
            kjennemerke=kjennemerke,
            understellsnummer=understellsnummer,
            authorization=request.headers.get(AUTHORIZATION_HEADER),
            now=self._clock(),
        )
        return to_response(answer)


def to_response(answer: RegistryAnswer) -> Response:
    """JSON bodies carry Content-Type application/json; bodiless answers carry no Content-Type."""
    if answer.body is None:
        return Response(status_code=answer.status, headers=dict(answer.headers))
    text = answer.body_text()
    remember(text, answer.body)  # response validation checks this object instead of parsing the text
    return Response(
        text.encode("utf-8"), status_code=answer.status, headers=dict(answer.headers), media_type=JSON
    )
