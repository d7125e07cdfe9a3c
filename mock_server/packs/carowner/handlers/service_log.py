"""Handlers for the ServiceLog tag: service log, vehicle history, exports and realtime config."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode, urljoin

from ....domain.errors import DomainError
from ....request_context import current_origin, current_request_id
from ....resolution import sandbox_of
from ....settings import RealtimeSettings
from ....store.sandbox import SandboxRegistry
from ..domain import service_log as logs
from ..domain.export_tokens import ExportTokenSigner, check_not_expired
from ..service_log_store import LogFilter
from ..state import owner_state
from . import representations as rep
from .common import base_url, calendar_day, org_nr_from, plate_from

EXPORT_PATH = "/api/co/service-log/export"


def _filter(
    registration_number: str | None,
    workshop_org_nr: str | None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> LogFilter:
    where = LogFilter(
        plate=plate_from(registration_number, required=False),
        workshop_org_nr=org_nr_from(workshop_org_nr),
        date_from=calendar_day(date_from, "date_from"),
        date_to=calendar_day(date_to, "date_to"),
    )
    logs.check_date_range(where.date_from, where.date_to)
    return where


class ServiceLogHandlers:
    def __init__(
        self, sandboxes: SandboxRegistry, signer: ExportTokenSigner, realtime: RealtimeSettings
    ) -> None:
        self._sandboxes = sandboxes
        self._signer = signer
        self._realtime = realtime

    async def getLatestServiceLogs(
        self,
        user: str,
        limit: int = 10,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
    ):
        sandbox = sandbox_of(self._sandboxes, user)
        entries = logs.latest(sandbox, _filter(registration_number, workshop_org_nr), limit)
        return rep.ok([rep.service_log_entry(e) for e in entries])

    async def listServiceLogs(
        self,
        user: str,
        page: int = 1,
        page_size: int = 20,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
    ):
        sandbox = sandbox_of(self._sandboxes, user)
        result = logs.list_page(sandbox, _filter(registration_number, workshop_org_nr), page, page_size)
        return rep.paged(result, (rep.service_log_entry(e) for e in result.items))

    async def getServiceLogSummary(
        self,
        user: str,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ):
        sandbox = sandbox_of(self._sandboxes, user)
        where = _filter(registration_number, workshop_org_nr, date_from, date_to)
        return rep.ok(rep.summary(logs.summary(sandbox, where), where))

    async def getServiceLogMessages(self, user: str, id: int):
        sandbox = sandbox_of(self._sandboxes, user)
        return rep.ok(rep.message_thread(logs.entry_for_messages(sandbox, id)))

    async def getLatestVehicleHistory(
        self,
        user: str,
        limit: int = 10,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
    ):
        sandbox = sandbox_of(self._sandboxes, user)
        plate = logs.history_plate(sandbox, plate_from(registration_number, required=False))
        items = logs.vehicle_history(sandbox, plate, org_nr_from(workshop_org_nr))[:limit]
        return rep.ok([rep.history_item(item) for item in items])

    async def listVehicleHistory(
        self,
        user: str,
        page: int = 1,
        page_size: int = 20,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
    ):
        sandbox = sandbox_of(self._sandboxes, user)
        plate = logs.history_plate(sandbox, plate_from(registration_number, required=False))
        result = logs.paginate(
            logs.vehicle_history(sandbox, plate, org_nr_from(workshop_org_nr)), page, page_size
        )
        return rep.paged(result, (rep.history_item(item) for item in result.items))

    async def createServiceLogExportToken(
        self,
        user: str,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ):
        sandbox = sandbox_of(self._sandboxes, user)
        where = _filter(registration_number, workshop_org_nr, date_from, date_to)
        token, grant = self._signer.issue(sandbox.user_id, where, sandbox.clock.now())
        download_url = urljoin(base_url(), EXPORT_PATH) + "?" + urlencode({"token": token})
        return rep.ok(
            {
                "token": token,
                "expires_at": rep.timestamp(grant.expires_at),
                "download_url": download_url,
                "filters": rep.filters(where),
            }
        )

    async def downloadServiceLogExport(self, token: str):
        grant = self._signer.verify(token)
        sandbox = self._sandboxes.by_user(grant.user_id)
        if sandbox is None:
            raise DomainError("EXPORT_TOKEN_INVALID", "The export token is not valid.", field="token")
        check_not_expired(grant, sandbox.clock.now())
        return csv_download(owner_state(sandbox).service_log.select(grant.where))

    async def getRealtimeConfig(self, user: str):
        sandbox = sandbox_of(self._sandboxes, user)
        prefix = f"user:{sandbox.user_id}"
        body = {
            "supabase_url": self._realtime.url or current_origin(),
            "anon_key": self._realtime.anon_key,
            "channels": {name: f"{prefix}:{name}" for name in ("notifications", "bookings", "messages")},
            "enabled": self._realtime.enabled,
        }
        return body, 200, rep.json_headers()


def csv_download(entries) -> tuple[str, int, dict[str, str]]:
    return (
        _csv(entries),
        200,
        {
            "Content-Type": "text/csv",  # UTF-8, as the spec says; Connexion matches the bare type
            "Content-Disposition": 'attachment; filename="minbil-service-log.csv"',
            "X-Request-ID": current_request_id(),
        },
    )


def _csv(entries) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "id",
            "service_date",
            "registration_number",
            "workshop_org_nr",
            "workshop_name",
            "workshop_city",
            "description",
            "mileage_km",
            "total_price_nok",
            "rating",
        ]
    )
    for e in entries:
        writer.writerow(
            [
                e.id,
                e.service_date.isoformat(),
                e.plate,
                e.workshop.org_nr,
                e.workshop.name,
                e.workshop.city,
                e.description,
                e.mileage_km,
                e.total_price_nok,
                "" if e.rating is None else e.rating,
            ]
        )
    return out.getvalue()
