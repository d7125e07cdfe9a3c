"""Faults in behaviour: subclasses of the real services and handlers, each overriding one rule."""

from __future__ import annotations

import dataclasses
from typing import Any

from ....domain.errors import DomainError
from ....domain.images import ImageInput
from ....resolution import sandbox_of
from ....store.sandbox import Sandbox, SandboxRegistry
from ..domain import service_log as logs
from ..domain.models import VehicleLink
from ..domain.vehicles import UNSET, VehicleChanges, VehicleService, VehicleView, not_linked
from ..handlers import representations as rep
from ..handlers.service_log import ServiceLogHandlers, _filter, csv_download
from ..handlers.vehicles import VehicleHandlers
from ..state import owner_state


class FaultyVehicleService(VehicleService):
    def __init__(self, *args: Any, faults: frozenset[str], sandboxes: SandboxRegistry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._faults = faults
        self._all_sandboxes = sandboxes
        # Links removed per sandbox, for a fault that keeps serving them.
        self._removed: dict[int, dict[str, VehicleLink]] = {}
        self._linking = False

    async def link(
        self, sandbox: Sandbox, plate: str, nickname: str | None, image: ImageInput | None
    ) -> tuple[VehicleView, bool]:
        if "link-ignores-nickname" in self._faults:
            nickname = None
        self._removed.get(id(sandbox), {}).pop(plate, None)
        self._linking = True  # the link's own answer is built before the details view lags behind
        try:
            return await super().link(sandbox, plate, nickname, image)
        finally:
            self._linking = False

    def details(self, sandbox: Sandbox, plate: str) -> VehicleView:
        link = owner_state(sandbox).links.get(plate)
        removed = self._removed.get(id(sandbox), {}).get(plate)
        if link is None and removed is not None and "unlinked-vehicle-still-readable" in self._faults:
            return VehicleView(
                removed, owner_state(sandbox).vehicles[plate]
            )  # served from a cache never evicted
        lagging = link is not None and link.updated_at == link.linked_at and not self._linking
        if lagging and "new-link-not-readable" in self._faults:
            raise not_linked(plate)  # details come from a view filled only at the first update
        return super().details(sandbox, plate)

    def set_primary(self, sandbox: Sandbox, plate: str) -> VehicleView:
        target = owner_state(sandbox).links.get(plate)
        if target is not None and "set-primary-keeps-old-primary" in self._faults:
            target.is_primary = True
            return self.details(sandbox, plate)
        if target is not None and "set-primary-not-stored" in self._faults:
            return VehicleView(
                dataclasses.replace(target, is_primary=True), owner_state(sandbox).vehicles[plate]
            )
        return super().set_primary(sandbox, plate)

    async def refresh(self, sandbox: Sandbox, plate: str) -> VehicleView:
        view = await super().refresh(sandbox, plate)
        if "refresh-drops-custom-image" in self._faults:
            view.link.image_url = None  # the refreshed record's (empty) photo overwrites the owner's
        return view

    def unlink(self, sandbox: Sandbox, plate: str) -> VehicleLink | None:
        if "primary-fallback-oldest" in self._faults:
            removed = owner_state(sandbox).links.pop(plate, None)
            if removed is None:
                raise not_linked(plate)
            if removed.is_primary and owner_state(sandbox).links:
                min(owner_state(sandbox).links.values(), key=lambda link: link.updated_at).is_primary = True
            result = owner_state(sandbox).primary()
        else:
            link = owner_state(sandbox).links.get(plate)
            result = super().unlink(sandbox, plate)
            if link is not None:
                self._removed.setdefault(id(sandbox), {})[plate] = link
        if "unlink-deletes-record" in self._faults:
            owner_state(sandbox).vehicles.pop(plate, None)
        return result

    def update(self, sandbox: Sandbox, plate: str, changes: VehicleChanges) -> VehicleView:
        if plate not in owner_state(sandbox).links and "foreign-vehicle-updatable" in self._faults:
            # The update looks the plate up among every owner's links, not the caller's.
            owner = next((other for other in self._all_sandboxes if plate in owner_state(other).links), None)
            if owner is not None:
                sandbox = owner
        if (
            changes.image is UNSET
            and changes.nickname is not UNSET
            and "nickname-update-clears-image" in self._faults
        ):
            changes = dataclasses.replace(changes, image=None)
        link = owner_state(sandbox).links.get(plate)
        before = link.updated_at if link is not None else None
        view = super().update(sandbox, plate, changes)
        if "updated-at-frozen" in self._faults and link is not None and before is not None:
            link.updated_at = before
            return self.details(sandbox, plate)
        return view

    def list(self, sandbox: Sandbox) -> list[VehicleView]:
        views = super().list(sandbox)
        if "vehicles-newest-first" in self._faults:
            primary = [view for view in views if view.link.is_primary]
            others = [view for view in views if not view.link.is_primary]
            views = primary + sorted(others, key=lambda view: view.link.linked_at, reverse=True)
        if "sandbox-leak" in self._faults:
            for other in self._all_sandboxes:
                if other is not sandbox:
                    views += [
                        VehicleView(link, owner_state(other).vehicles[link.plate])
                        for link in owner_state(other).links.values()
                    ]
        return views


class FaultyVehicleHandlers(VehicleHandlers):
    def __init__(self, *args: Any, faults: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._faults = faults

    async def linkVehicle(
        self, user: str, body: dict[str, Any] | None = None, file: Any = None, image: Any = None
    ):
        answer = await super().linkVehicle(user, body, file, image)
        if "relink-201" in self._faults and answer[1] == 200:
            return answer[0], 201, answer[2]
        return answer


class FaultyServiceLogHandlers(ServiceLogHandlers):
    def __init__(self, *args: Any, faults: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._faults = faults
        self._issued: dict[tuple[str | None, ...], Any] = {}

    async def createServiceLogExportToken(
        self,
        user: str,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ):
        answer = await super().createServiceLogExportToken(
            user, registration_number, workshop_org_nr, date_from, date_to
        )
        if "export-token-repeats" not in self._faults:
            return answer
        key = (user, registration_number, workshop_org_nr, date_from, date_to)
        return rep.ok(self._issued.setdefault(key, answer[0]["data"]))

    async def listServiceLogs(
        self,
        user: str,
        page: int = 1,
        page_size: int = 20,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
    ):
        if "service-log-pages-cut-before-sorting" in self._faults:
            sandbox = sandbox_of(self._sandboxes, user)
            entries = sorted(
                owner_state(sandbox).service_log.select(_filter(registration_number, workshop_org_nr)),
                key=lambda e: e.id,
            )
            cut = entries[(page - 1) * page_size : page * page_size]
            cut.sort(key=lambda e: (e.service_date, e.id), reverse=True)
            result = logs.Page(cut, page, page_size, len(entries))
            return rep.paged(result, (rep.service_log_entry(e) for e in result.items))
        if "page-repeats-item" not in self._faults or page == 1:
            return await super().listServiceLogs(user, page, page_size, registration_number, workshop_org_nr)
        sandbox = sandbox_of(self._sandboxes, user)
        entries = owner_state(sandbox).service_log.select(_filter(registration_number, workshop_org_nr))
        start = (page - 1) * page_size - 1
        result = logs.Page(entries[start : start + page_size], page, page_size, len(entries))
        return rep.paged(result, (rep.service_log_entry(e) for e in result.items))

    async def getServiceLogSummary(
        self,
        user: str,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ):
        body, status, headers = await super().getServiceLogSummary(
            user, registration_number, workshop_org_nr, date_from, date_to
        )
        if "summary-miscounts" in self._faults and status == 200:
            body["data"]["count"] += 1
        return body, status, headers

    async def getLatestServiceLogs(
        self,
        user: str,
        limit: int = 10,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
    ):
        if "latest-not-head" not in self._faults:
            return await super().getLatestServiceLogs(user, limit, registration_number, workshop_org_nr)
        sandbox = sandbox_of(self._sandboxes, user)
        entries = list(
            reversed(owner_state(sandbox).service_log.select(_filter(registration_number, workshop_org_nr)))
        )
        return rep.ok([rep.service_log_entry(e) for e in entries[:limit]])

    async def getServiceLogMessages(self, user: str, id: int):
        try:
            return await super().getServiceLogMessages(user, id)
        except DomainError:
            if "isolation-service-log-leak" not in self._faults:
                raise
            # The thread is looked up by id alone, whoever's entry it is.
            owner = next(
                (sandbox for sandbox in self._sandboxes if owner_state(sandbox).service_log.get(id)), None
            )
            if owner is None:
                raise
            return rep.ok(rep.message_thread(logs.entry_for_messages(owner, id)))

    async def downloadServiceLogExport(self, token: str):
        if "export-token-signature-unchecked" in self._faults:
            payload = token.partition(".")[0]
            token = f"{payload}.{self._signer._sign(payload)}"  # only the payload is decoded
        if "export-ignores-plate-filter" in self._faults:
            grant = self._signer.verify(token)
            sandbox = self._sandboxes.by_user(grant.user_id)
            if sandbox is not None:
                return csv_download(
                    owner_state(sandbox).service_log.select(dataclasses.replace(grant.where, plate=None))
                )
        if "export-token-never-expires" not in self._faults:
            return await super().downloadServiceLogExport(token)
        grant = self._signer.verify(token)
        sandbox = self._sandboxes.by_user(grant.user_id)
        if sandbox is None:
            return await super().downloadServiceLogExport(token)
        return csv_download(owner_state(sandbox).service_log.select(grant.where))

    def _not_primary(self, user: str, registration_number: str | None) -> str | None:
        if registration_number is not None or "history-ignores-primary" not in self._faults:
            return registration_number
        sandbox = sandbox_of(self._sandboxes, user)
        others = [link.plate for link in owner_state(sandbox).links.values() if not link.is_primary]
        return others[0] if others else None

    async def getLatestVehicleHistory(
        self,
        user: str,
        limit: int = 10,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
    ):
        return await super().getLatestVehicleHistory(
            user, limit, self._not_primary(user, registration_number), workshop_org_nr
        )

    async def listVehicleHistory(
        self,
        user: str,
        page: int = 1,
        page_size: int = 20,
        registration_number: str | None = None,
        workshop_org_nr: str | None = None,
    ):
        return await super().listVehicleHistory(
            user, page, page_size, self._not_primary(user, registration_number), workshop_org_nr
        )
