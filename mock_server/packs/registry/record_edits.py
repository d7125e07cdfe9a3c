"""Derive scenario records from a registry record: deregistered, scrapped, new owner, EU-kontroll.

Each function returns an edited deep copy, ready for RegistryService.register_record().
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time
from typing import Any

from ...fast_json import copy_json
from . import codes
from .oslo_time import OSLO, oslo_timestamp

Record = dict[str, Any]


def registry_timestamp(moment: datetime) -> str:
    """`moment` (timezone-aware) as the registry writes it: Oslo offset, milliseconds."""
    local = moment.astimezone(OSLO)
    return oslo_timestamp(local.date(), local.time(), local.microsecond // 1000)


def deregistered(record: Record, since: datetime) -> Record:
    """Status AVREGISTRERT ("Avregistrert") from `since`, as for a car taken off the road."""
    edited = copy.deepcopy(record)
    registration = edited.setdefault("registrering", {})
    registration["registreringsstatus"] = copy.deepcopy(codes.STATUS_DEREGISTERED)
    registration["avregistrertSidenDato"] = registry_timestamp(since)
    return edited


def scrapped(record: Record, since: datetime) -> Record:
    """Status VRAKET ("Vraket"): the car was delivered for scrapping at `since`."""
    edited = copy.deepcopy(record)
    registration = edited.setdefault("registrering", {})
    registration["registreringsstatus"] = copy.deepcopy(codes.STATUS_SCRAPPED)
    registration["fomTidspunkt"] = registry_timestamp(since)
    return edited


def with_new_owner(record: Record, since: datetime) -> Record:
    """A change of owner at `since`: the current registration and ownership start then."""
    edited = copy.deepcopy(record)
    registration = edited.setdefault("registrering", {})
    registration["fomTidspunkt"] = registry_timestamp(since)
    registration["registrertForstegangPaEierskap"] = registry_timestamp(since)
    return edited


def owned_since(record: Record, day: date) -> Record:
    """The current owner's ownership from `day` (see set_owner_since), on a copy."""
    edited = copy_json(record)
    set_owner_since(edited, day)
    return edited


def set_owner_since(record: Record, day: date) -> None:
    """Edit `record` in place: the current ownership began on `day`, at the moment of first
    registration when that is the day, otherwise at a working-hours moment of that day in Oslo."""
    first = record.get("forstegangsregistrering", {}).get("registrertForstegangNorgeDato")
    plates = record.get("kjennemerke") or [{}]
    if first == day.isoformat() and plates[0].get("fomTidspunkt"):
        stamp = plates[0]["fomTidspunkt"]
    else:
        ordinal = day.toordinal()
        stamp = oslo_timestamp(day, time(9 + ordinal % 8, ordinal % 60, ordinal * 7 % 60), ordinal % 1000)
    registration = record.setdefault("registrering", {})
    registration["fomTidspunkt"] = stamp
    registration["registrertForstegangPaEierskap"] = stamp


def with_periodic_control(record: Record, deadline: date, last_approved: date | None = None) -> Record:
    """Set kontrollfrist and, when given, sistGodkjent."""
    edited = copy.deepcopy(record)
    control: Record = {"kontrollfrist": deadline.isoformat()}
    if last_approved is not None:
        control["sistGodkjent"] = last_approved.isoformat()
    edited["periodiskKjoretoyKontroll"] = control
    return edited
