"""The API packs this mock serves: one line each. Adding an API is a folder and a line here."""

from __future__ import annotations

from . import carowner, navixy, registry, trimble
from .base import ApiPack, register

PACKS: tuple[ApiPack, ...] = tuple(
    register(pack)
    for pack in (
        carowner.PACK,
        registry.PACK,
        trimble.PACK,
        navixy.PACK,
    )
)


def served_packs(names: frozenset[str] | None) -> tuple[ApiPack, ...]:
    """The packs `--apis` names (None: all of them), in registration order."""
    return tuple(pack for pack in PACKS if names is None or pack.name in names)
