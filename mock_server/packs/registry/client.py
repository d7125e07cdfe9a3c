"""How the CarOwner side asks the registry for a car: RegistryClient and two implementations.

InProcessRegistryClient calls a RegistryService directly (the mock's fast path); HttpRegistryClient
speaks the registry's HTTP API and can point at the fake or at Statens vegvesen itself. Both turn
the registry's answers into one record, RegistryVehicleNotFound or RegistryUnavailable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Protocol

import httpx

from .oslo_time import utc_now
from .service import AUTHORIZATION_HEADER, NOT_AVAILABLE, RegistryService, svv_authorization

Record = dict[str, Any]
DEFAULT_RETRY_AFTER = 60
LOOKUP_PATH = "/enkeltoppslag/kjoretoydata"


class RegistryError(Exception):
    """The registry could not give a record."""


class RegistryVehicleNotFound(RegistryError):
    """OPPLYSNINGER_IKKE_TILGJENGELIGE: the registry has nothing for this plate."""

    def __init__(self, plate: str) -> None:
        super().__init__(f"Statens vegvesen has no data for {plate!r}")
        self.plate = plate


class RegistryUnavailable(RegistryError):
    """Quota used up, outage, rejected key or an unexpected answer; try again after `retry_after` s."""

    def __init__(self, retry_after: int, reason: str) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.reason = reason


class RegistryClient(Protocol):
    async def lookup_plate(self, plate: str) -> Record:
        """One raw kjoretoydata record for `plate`."""
        ...


def record_from_answer(plate: str, status: int, body: Any, headers: Mapping[str, str]) -> Record:
    """Interpret one enkeltoppslag answer (shared by both clients so they cannot drift apart)."""
    if status == 200 and isinstance(body, dict):
        records = body.get("kjoretoydataListe")
        if isinstance(records, list) and records and isinstance(records[0], dict):
            return records[0]
        if body.get("feilmelding") == NOT_AVAILABLE or records == []:
            raise RegistryVehicleNotFound(plate)
    retry_after = _retry_after(headers.get("Retry-After") or headers.get("retry-after"))
    reasons = {403: "API key rejected", 422: "daily quota used up", 429: "daily quota used up"}
    reason = reasons.get(status, f"unexpected registry answer (HTTP {status})")
    raise RegistryUnavailable(retry_after, reason)


class InProcessRegistryClient:
    def __init__(
        self, service: RegistryService, api_key: str, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._service = service
        self._authorization = svv_authorization(api_key)
        self._clock = clock

    async def lookup_plate(self, plate: str) -> Record:
        answer = self._service.lookup(
            kjennemerke=plate, understellsnummer=None, authorization=self._authorization, now=self._clock()
        )
        return record_from_answer(plate, answer.status, answer.body, answer.headers)


class HttpRegistryClient:
    """`base_url` ends at the registry's base path, e.g.
    "https://www.vegvesen.no/ws/no/vegvesen/kjoretoy/felles/datautlevering"."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=timeout,
            headers={AUTHORIZATION_HEADER: svv_authorization(api_key), "Accept": "application/json"},
        )

    async def lookup_plate(self, plate: str) -> Record:
        try:
            response = await self._http.get(LOOKUP_PATH, params={"kjennemerke": plate})
        except httpx.HTTPError as error:
            raise RegistryUnavailable(DEFAULT_RETRY_AFTER, f"registry not reachable: {error}") from error
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        return record_from_answer(plate, response.status_code, body, response.headers)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> HttpRegistryClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def _retry_after(value: str | None) -> int:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); a default when absent."""
    if not value:
        return DEFAULT_RETRY_AFTER
    if value.strip().isdigit():
        return max(1, int(value.strip()))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(1, int((moment - datetime.now(UTC)).total_seconds()))
