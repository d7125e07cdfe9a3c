"""Handlers for the Vehicles tag: vehicles and notification settings."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.datastructures import UploadFile

from ....domain.errors import DomainError
from ....domain.images import (
    CheckedImage,
    ImageInput,
    ImageUpload,
    declared_type,
    image_type,
    parse_image_string,
)
from ....resolution import sandbox_of
from ....store.sandbox import SandboxRegistry
from ..domain.notifications import update_preferences
from ..domain.vehicles import UNSET, VehicleChanges, VehicleService
from . import representations as rep
from .common import base_url, plate_from


async def _checked(given: ImageInput | None) -> ImageInput | CheckedImage | None:
    if not isinstance(given, ImageUpload):
        return given
    # Decoding a large photo takes tens of milliseconds: not on the event loop.
    return CheckedImage(given.content, await asyncio.to_thread(image_type, given))


async def _image_input(value: Any) -> ImageInput | None:
    if value is None:
        return None
    if isinstance(value, list):  # a repeated multipart part: the first one counts
        value = value[0] if value else None
        return await _image_input(value)
    if isinstance(value, UploadFile):
        try:
            return ImageUpload(await value.read(), declared_type(value.content_type))
        finally:
            await value.close()
    if isinstance(value, bytes):
        return ImageUpload(value)
    return parse_image_string(str(value))


async def _image_from(body: dict[str, Any], file: Any, image: Any) -> object:
    """The image given by a JSON `image` string or a multipart `file`/`image` part; UNSET if none."""
    # Every part is read (and its upload closed) before deciding, so a refusal leaks no temp file.
    parts = [await _image_input(part) for part in (file, image) if part is not None]
    if len(parts) > 1:
        raise DomainError(
            "INVALID_IMAGE", "Send the photo in one part, `file` or `image`, not both.", field="image"
        )
    if parts:
        return await _checked(parts[0])
    if "image" in body:
        return await _checked(await _image_input(body["image"]))
    return UNSET


class VehicleHandlers:
    def __init__(self, sandboxes: SandboxRegistry, vehicles: VehicleService) -> None:
        self._sandboxes = sandboxes
        self._vehicles = vehicles

    async def getVehicles(self, user: str, registration_number: str | None = None, reg: str | None = None):
        sandbox = sandbox_of(self._sandboxes, user)
        plate = plate_from(registration_number, reg, required=False)
        if plate is None:
            base = base_url()  # built once: it reads the request
            return rep.ok([rep.vehicle_summary(v, base) for v in self._vehicles.list(sandbox)])
        return rep.ok(rep.vehicle_details(self._vehicles.details(sandbox, plate), base_url()))

    async def linkVehicle(
        self, user: str, body: dict[str, Any] | None = None, file: Any = None, image: Any = None
    ):
        sandbox = sandbox_of(self._sandboxes, user)
        body = body or {}
        plate = plate_from(body.get("registration_number"))
        image_input = await _image_from(body, file, image)
        view, created = await self._vehicles.link(
            sandbox,
            plate,
            body.get("nickname"),
            None if image_input is UNSET else image_input,  # type: ignore[arg-type]
        )
        return rep.ok(rep.vehicle_details(view, base_url()), status=201 if created else 200)

    async def unlinkVehicle(self, user: str, registration_number: str | None = None, reg: str | None = None):
        sandbox = sandbox_of(self._sandboxes, user)
        plate = plate_from(registration_number, reg)
        primary = self._vehicles.unlink(sandbox, plate)
        return rep.ok(
            {
                "registration_number": plate,
                "unlinked": True,
                "primary_registration_number": primary.plate if primary else None,
            }
        )

    async def refreshVehicle(self, user: str, reg: str):
        sandbox = sandbox_of(self._sandboxes, user)
        view = await self._vehicles.refresh(sandbox, plate_from(reg))
        return rep.ok(rep.vehicle_details(view, base_url()))

    async def setPrimaryVehicle(self, user: str, body: dict[str, Any]):
        sandbox = sandbox_of(self._sandboxes, user)
        view = self._vehicles.set_primary(sandbox, plate_from(body.get("registration_number")))
        return rep.ok(rep.vehicle_details(view, base_url()))

    async def updateVehicle(
        self, user: str, reg: str, body: dict[str, Any] | None = None, file: Any = None, image: Any = None
    ):
        sandbox = sandbox_of(self._sandboxes, user)
        plate = plate_from(reg)
        body = body or {}
        changes = VehicleChanges(
            nickname=body.get("nickname", UNSET),
            image=await _image_from(body, file, image),
        )
        view = self._vehicles.update(sandbox, plate, changes)
        return rep.ok(rep.vehicle_details(view, base_url()))

    async def updateNotificationSettings(self, user: str, body: dict[str, Any] | None = None):
        sandbox = sandbox_of(self._sandboxes, user)
        preferences = update_preferences(sandbox, body or {})
        return {"preferences": preferences}, 200, rep.json_headers()
