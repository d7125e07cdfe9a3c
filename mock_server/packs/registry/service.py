"""The registry fake's core, free of HTTP: keys, daily quota, parameter rules, record lookup.

Order of checks, as a gateway in front of the service would apply them: outage (503), API key
(403), daily quota (429 or 422, with Retry-After), parameters (400: none or both given, or a plate
outside 2–7 characters or a VIN outside 1–19), then the lookup itself. Every
call with a valid key within the quota counts against it, whatever its outcome.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson

from ...fast_json import compact_json
from .generator import generate_record
from .known_records import ExplicitRecords, normalise_registry_key
from .oslo_time import oslo_date, seconds_until_oslo_midnight
from .record_edits import set_owner_since

Record = dict[str, Any]

AUTHORIZATION_HEADER = "SVV-Authorization"  # value: "Apikey <key>"
DEMO_API_KEY = "minbil-demo-apikey"
BLOCKED_API_KEY = "minbil-blocked-apikey"
NOT_AVAILABLE = "OPPLYSNINGER_IKKE_TILGJENGELIGE"
DEFAULT_DAILY_QUOTA = 50_000
PLATE_LENGTHS = (2, 7)  # kjennemerke, as documented
VIN_LENGTHS = (1, 19)  # understellsnummer, as documented
GENERATED_RECORDS_KEPT = 1_000  # about 9 MB of JSON at most
QUOTA_STATUSES = (429, 422)  # 429: the published documentation; 422: the official OpenAPI file
_KEY_PREFIX = "apikey"


def svv_authorization(api_key: str) -> str:
    """The SVV-Authorization header value for a key: "Apikey <key>"."""
    return f"Apikey {api_key}"


@dataclass
class RegistryConfig:
    """Behaviour switches. Mutable on purpose: fault injection flips `outage` or adds to
    `unavailable_plates` while the server runs."""

    daily_quota: int = DEFAULT_DAILY_QUOTA
    quota_status: int = 429
    extra_api_keys: set[str] = field(default_factory=set)
    outage: bool = False
    outage_retry_after: int = 60
    unavailable_plates: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.quota_status not in QUOTA_STATUSES:
            raise ValueError(f"quota_status must be one of {QUOTA_STATUSES}, not {self.quota_status}")
        if self.daily_quota < 0:
            raise ValueError("daily_quota must not be negative")

    def accepts(self, api_key: str) -> bool:
        return api_key != BLOCKED_API_KEY and (api_key == DEMO_API_KEY or api_key in self.extra_api_keys)

    def is_forced_unavailable(self, plate: str) -> bool:
        wanted = normalise_registry_key(plate)
        return any(normalise_registry_key(p) == wanted for p in self.unavailable_plates)


@dataclass(frozen=True)
class RegistryAnswer:
    """Status, JSON body (None: empty body) and headers of one registry response."""

    status: int
    body: Record | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def body_text(self) -> str:
        """Compact JSON with Norwegian letters unescaped, as the registry sends it (UTF-8)."""
        return "" if self.body is None else compact_json(self.body)

    def body_bytes(self) -> bytes:
        return self.body_text().encode("utf-8")


@dataclass(frozen=True)
class RegistryLearning:
    """What a registry learns while a scenario is built: when seeded owners bought their cars, and
    the VINs of the generated cars it gave (so a VIN lookup finds them later)."""

    owner_since: dict[str, date]
    plate_by_vin: dict[str, str]


class RegistryService:
    def __init__(self, config: RegistryConfig | None = None, records: ExplicitRecords | None = None) -> None:
        self.config = config if config is not None else RegistryConfig()
        self.records = records if records is not None else ExplicitRecords.with_reference_records()
        self._calls: dict[tuple[str, date], int] = {}
        self._plate_by_vin: dict[str, str] = {}  # VINs of generated cars seen so far
        self._owner_since: dict[str, date] = {}  # seeded owners: when they bought their cars
        self._generated: dict[tuple[str, date], bytes | None] = {}  # recent generated records

    def lookup(
        self,
        *,
        kjennemerke: str | None,
        understellsnummer: str | None,
        authorization: str | None,
        now: datetime,
    ) -> RegistryAnswer:
        """Answer one enkeltoppslag. `authorization` is the SVV-Authorization header value
        ("Apikey <key>"); `now` is timezone-aware and decides the quota day and Retry-After."""
        if self.config.outage:
            return RegistryAnswer(503, headers={"Retry-After": str(self.config.outage_retry_after)})
        api_key = _api_key(authorization)
        if api_key is None or not self.config.accepts(api_key):
            return RegistryAnswer(403)
        if not self._count_call(api_key, oslo_date(now)):
            retry_after = str(seconds_until_oslo_midnight(now))
            return RegistryAnswer(self.config.quota_status, headers={"Retry-After": retry_after})
        plate, vin = _given(kjennemerke), _given(understellsnummer)
        if (plate is None) == (vin is None) or not _documented_length(plate, vin):
            return RegistryAnswer(400)
        today = oslo_date(now)
        record = self.record_for_plate(plate, today) if plate else self.record_for_vin(vin or "", today)
        if record is None:
            return RegistryAnswer(200, {"feilmelding": NOT_AVAILABLE})
        return RegistryAnswer(200, {"kjoretoydataListe": [record]})

    def record_for_plate(self, plate: str, today: date) -> Record | None:
        """The record for a plate on `today` (explicit records first), without key or quota checks."""
        wanted = normalise_registry_key(plate)
        if self.config.is_forced_unavailable(wanted):
            return None
        record = self.records.by_plate(wanted)
        if record is None:
            record = self._generate(wanted, today)
            if record is not None:
                self._plate_by_vin[record["kjoretoyId"]["understellsnummer"]] = wanted
        since = self._owner_since.get(wanted)
        if record is not None and since is not None and since <= today:
            set_owner_since(record, since)  # the record is a fresh copy
        return record

    def _generate(self, plate: str, today: date) -> Record | None:
        """A generated record, kept for the day as JSON bytes (no objects for the garbage collector
        to walk): a scenario's fleet is built again on every reset."""
        key = (plate, today)
        if key not in self._generated:
            if len(self._generated) >= GENERATED_RECORDS_KEPT:
                self._generated.clear()
            record = generate_record(plate, today)
            self._generated[key] = orjson.dumps(record) if record is not None else None
            return record
        kept = self._generated[key]
        return orjson.loads(kept) if kept is not None else None

    def record_owner_since(self, plate: str, day: date) -> None:
        """A seeded owner bought the car on `day`: from then on the record says so (its
        registrertForstegangPaEierskap), so the registry and the owner's history tell one story."""
        self._owner_since[normalise_registry_key(plate)] = day

    def record_for_vin(self, vin: str, today: date) -> Record | None:
        """The record for a VIN: explicit records, or a generated car whose plate was looked up
        before (a VIN cannot be turned back into a plate, and unknown VINs are not in the registry)."""
        wanted = normalise_registry_key(vin)
        record = self.records.by_vin(wanted)
        if record is None and wanted in self._plate_by_vin:
            record = self.record_for_plate(self._plate_by_vin[wanted], today)
        if record is None or record.get("kjoretoyId", {}).get("understellsnummer") != wanted:
            return None
        plate = record["kjoretoyId"].get("kjennemerke")
        if plate and self.config.is_forced_unavailable(plate):
            return None
        return record

    # --- a replica in another process (a scenario built there: control/build_worker.py) ---------

    def replica(self) -> bytes:
        """What decides the records this registry gives (switches, explicit records, seeded owners,
        VINs seen), as bytes another process can make the same registry of: a copy taken now."""
        return pickle.dumps((self.config, self.records, self._owner_since, self._plate_by_vin))

    def adopt(self, replica: bytes) -> None:
        """Become the registry `replica` was taken of (keeping the generated records cached here)."""
        self.config, self.records, self._owner_since, self._plate_by_vin = pickle.loads(replica)

    def learned(self) -> RegistryLearning:
        """What this registry has learnt so far (seeded owners, VINs seen): see `learned_since`."""
        return RegistryLearning(dict(self._owner_since), dict(self._plate_by_vin))

    def learned_since(self, before: RegistryLearning) -> RegistryLearning:
        """What it has learnt since `before` was taken."""
        owners, vins = before.owner_since, before.plate_by_vin
        return RegistryLearning(
            {plate: day for plate, day in self._owner_since.items() if owners.get(plate) != day},
            {vin: plate for vin, plate in self._plate_by_vin.items() if vins.get(vin) != plate},
        )

    def learn(self, learning: RegistryLearning) -> None:
        """Learn what a replica learnt building a scenario, as if it had been built here."""
        self._owner_since.update(learning.owner_since)
        self._plate_by_vin.update(learning.plate_by_vin)

    def register_record(self, record: Record) -> None:
        """Make an explicit record answer for its plate and VIN from now on."""
        self.records.register(record)

    def calls_counted(self, api_key: str, now: datetime) -> int:
        """Calls counted against `api_key` on the Oslo day of `now`."""
        return self._calls.get((api_key, oslo_date(now)), 0)

    def _count_call(self, api_key: str, day: date) -> bool:
        """Count a call; False once the day's quota is used up (such calls are not counted)."""
        for key in [k for k in self._calls if k[1] != day]:
            del self._calls[key]  # only the current day matters
        used = self._calls.get((api_key, day), 0)
        if used >= self.config.daily_quota:
            return False
        self._calls[(api_key, day)] = used + 1
        return True


def _api_key(authorization: str | None) -> str | None:
    """The key from "Apikey <key>" (prefix case-insensitive); None when the header is missing or malformed."""
    if not authorization:
        return None
    parts = authorization.strip().split(None, 1)
    if len(parts) != 2 or parts[0].lower() != _KEY_PREFIX:
        return None
    return parts[1].strip() or None


def _documented_length(plate: str | None, vin: str | None) -> bool:
    """The documented lengths: a plate has 2–7 characters, a VIN 1–19 (whitespace not counted)."""
    if plate is not None:
        return PLATE_LENGTHS[0] <= len(normalise_registry_key(plate)) <= PLATE_LENGTHS[1]
    return vin is not None and VIN_LENGTHS[0] <= len(normalise_registry_key(vin)) <= VIN_LENGTHS[1]


def _given(value: str | None) -> str | None:
    """A query value counts as given when it has something besides whitespace."""
    if value is None or not value.strip():
        return None
    return value
