"""The Trimble vehicles operations, by operationId, bound to one world.

Connexion (or the direct path, for the requests Connexion would accept) has checked the token (a
sandbox token), the query and the body against the spec before a handler runs; refusals it makes
are turned into the API's error shape by errors.TrimbleErrorsMiddleware. The handlers change the
fleet with no await between reading and writing, so two requests of one sandbox never interleave
half-way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, urlsplit, urlunsplit

from starlette.datastructures import QueryParams

from ...domain.errors import DomainError
from ...request_context import current_url
from ..base import pack_state
from .faults import fleet_faults
from .fleet import TrimbleState, add_vehicles, delete_vehicle, sorted_vehicles, update_vehicles

if TYPE_CHECKING:
    from ...app import MockWorld
    from ...store.sandbox import Sandbox
    from ..base import ApiPack


class TrimbleHandlers:
    def __init__(self, world: MockWorld, pack: ApiPack) -> None:
        self._world = world
        self._pack = pack
        self._planted = world.settings.planted_faults
        self._faults = fleet_faults(self._planted)
        self._shared = TrimbleState()  # only with the planted fault trimble-shared-fleet

    def _sandbox(self, user: str) -> Sandbox:
        sandbox = self._world.sandboxes.by_token(user)
        if sandbox is None:  # valid when checked, gone since: as if unknown
            raise DomainError("UNAUTHENTICATED", "Unknown bearer token.")
        return sandbox

    def _state(self, sandbox: Sandbox) -> TrimbleState:
        if "trimble-shared-fleet" in self._planted:
            return self._shared
        return pack_state(sandbox, self._pack)

    def _stamped(self, body: dict[str, Any], key: str) -> dict[str, Any]:
        """The body as answered; with trimble-modified-on-with-offset, each time gets a Z suffix."""
        if "trimble-modified-on-with-offset" in self._planted:
            for vehicle in body["data"]:
                vehicle[key] += "Z"
        return body

    async def trimbleGetVehicles(
        self,
        user: str,
        offset: int = 0,
        limit: int = 20,
        sortExpression: str = "vehicleName",
        sortDirection: str = "ASC",
    ) -> dict[str, Any]:
        sandbox = self._sandbox(user)
        direction = "ASC" if "trimble-desc-ignored" in self._planted else sortDirection
        vehicles = sorted_vehicles(self._state(sandbox).vehicles.values(), sortExpression, direction)
        size = len(vehicles)
        page = vehicles[offset : offset + limit]
        requested = current_url()
        url = str(requested)
        # The links keep the sort parameters the request named (not the defaults), in its order.
        sort = "".join(
            f"&{quote_plus(k)}={quote_plus(v)}"
            for k, v in QueryParams(requested.query).items()
            if k in ("sortExpression", "sortDirection")
        )
        parts = urlsplit(url)
        at_path = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))

        def link(at: int) -> dict[str, str]:
            return {"href": f"{at_path}?offset={at}&limit={limit}{sort}"}

        body: dict[str, Any] = {"href": url, "offset": offset, "limit": limit}
        body["size"] = len(page) if "trimble-size-counts-page" in self._planted else size
        body["first"] = link(0)
        if offset > 0:
            body["previous"] = link(max(0, offset - limit))
        if offset + limit < size:
            step = limit + 1 if "trimble-next-skips-one" in self._planted else limit
            body["next"] = link(offset + step)
        if size > limit:
            body["last"] = link((size - 1) // limit * limit)
        body["data"] = [vehicle.listed() for vehicle in page]
        return self._stamped(body, "modifiedOn")

    async def trimbleAddVehicles(self, user: str, body: list[dict[str, str]]) -> dict[str, Any]:
        sandbox = self._sandbox(user)
        outcome = add_vehicles(self._state(sandbox), body, sandbox.clock.now(), self._faults)
        return self._stamped(outcome.body(), "ModifiedOn")

    async def trimbleUpdateVehicles(self, user: str, body: list[dict[str, str]]) -> dict[str, Any]:
        sandbox = self._sandbox(user)
        outcome = update_vehicles(self._state(sandbox), body, sandbox.clock.now(), self._faults)
        return self._stamped(outcome.body(), "ModifiedOn")

    async def trimbleDeleteVehicle(self, user: str, vehicleId: str) -> tuple[dict[str, str], int]:
        sandbox = self._sandbox(user)
        if delete_vehicle(self._state(sandbox), vehicleId) or "trimble-delete-unknown-200" in self._planted:
            return {"message": f"Successfully deleted vehicle with Id: {vehicleId}"}, 200
        return {"message": f"No vehicle found with Id: {vehicleId}"}, 404
