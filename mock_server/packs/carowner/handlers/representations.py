"""Domain records → the JSON shapes of openapi.yaml. The only place that knows those shapes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urljoin

from ....json_answers import json_headers, timestamp
from ....request_context import current_request_id, current_time
from ..domain.models import HistoryEntry, Message, ServiceLogEntry, Workshop
from ..domain.service_log import Page, Summary, VehicleHistoryItem
from ..domain.vehicles import VehicleView
from ..service_log_store import LogFilter


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def meta(**extra: Any) -> dict[str, Any]:
    return {"request_id": current_request_id(), "generated_at": timestamp(current_time()), **extra}


def ok(data: Any, status: int = 200, **meta_extra: Any) -> tuple[dict[str, Any], int, dict[str, str]]:
    return {"data": data, "meta": meta(**meta_extra)}, status, json_headers()


def paged(page: Page[Any], items: Iterable[dict[str, Any]]) -> tuple[dict[str, Any], int, dict[str, str]]:
    return ok(
        list(items), page=page.page, page_size=page.page_size, total=page.total, total_pages=page.total_pages
    )


def vehicle_summary(view: VehicleView, base_url: str) -> dict[str, Any]:
    link, registry = view.link, view.record.registry
    return {
        "registration_number": link.plate,
        "nickname": link.nickname,
        "image_url": urljoin(base_url, link.image_url) if link.image_url else None,
        "is_primary": link.is_primary,
        "make": registry.make,
        "model": registry.model,
        "first_registration_date": _day(registry.first_registration_date),
        "fuel_type": registry.fuel_type,
        "colour": registry.colour,
        "linked_at": timestamp(link.linked_at),
        "updated_at": timestamp(link.updated_at),
    }


def vehicle_details(view: VehicleView, base_url: str) -> dict[str, Any]:
    registry = view.record.registry
    return {
        **vehicle_summary(view, base_url),
        "vin": registry.vin,
        "registration_status": registry.registration_status,
        "registration_status_text": registry.registration_status_text,
        "fuel_name": registry.fuel_name,
        "body_type": registry.body_type,
        "vehicle_class": registry.vehicle_class,
        "seats": registry.seats,
        "curb_weight_kg": registry.curb_weight_kg,
        "max_total_weight_kg": registry.max_total_weight_kg,
        "max_trailer_weight_braked_kg": registry.max_trailer_weight_braked_kg,
        "power_kw": registry.power_kw,
        "eu_control_due": _day(registry.eu_control_due),
        "eu_control_last_approved": _day(registry.eu_control_last_approved),
        "registry_refreshed_at": timestamp(view.record.registry_refreshed_at),
    }


def workshop(value: Workshop) -> dict[str, str]:
    return {"org_nr": value.org_nr, "name": value.name, "city": value.city}


_FIXED_PART = "_fixed_json"  # where an entry keeps the part of its representation that never changes


def service_log_entry(entry: ServiceLogEntry) -> dict[str, Any]:
    # A service-log entry is written once; only its rating and its thread can change afterwards.
    # The rest is built once per entry and kept on it (a page of 20 entries: 87 µs -> 16 µs).
    # The answer is a new dict each time; its nested parts are shared and only ever encoded.
    fixed = vars(entry).get(_FIXED_PART)
    if fixed is None:
        fixed = vars(entry)[_FIXED_PART] = {
            "id": entry.id,
            "booking_id": str(entry.booking_id),
            "registration_number": entry.plate,
            "workshop": workshop(entry.workshop),
            "service_date": entry.service_date.isoformat(),
            "description": entry.description,
            "items": [{"description": i.description, "price_nok": i.price_nok} for i in entry.items],
            "mileage_km": entry.mileage_km,
            "total_price_nok": entry.total_price_nok,
        }
    return {**fixed, "rating": entry.rating, "message_count": len(entry.messages)}


def filters(where: LogFilter) -> dict[str, Any]:
    return {
        "registration_number": where.plate,
        "workshop_org_nr": where.workshop_org_nr,
        "date_from": _day(where.date_from),
        "date_to": _day(where.date_to),
    }


def summary(value: Summary, where: LogFilter) -> dict[str, Any]:
    return {
        "count": value.count,
        "rated_count": value.rated_count,
        "average_rating": value.average_rating,
        "last_service_date": _day(value.last_service_date),
        "filters": filters(where),
    }


def message(value: Message) -> dict[str, Any]:
    return {
        "id": str(value.id),
        "sender": value.sender,
        "author_name": value.author_name,
        "body": value.body,
        "sent_at": timestamp(value.sent_at),
        "read_at": timestamp(value.read_at) if value.read_at else None,
    }


def message_thread(entry: ServiceLogEntry) -> dict[str, Any]:
    return {
        "service_log_id": entry.id,
        "booking_id": str(entry.booking_id),
        "workshop": workshop(entry.workshop),
        "registration_number": entry.plate,
        "messages": [message(m) for m in sorted(entry.messages, key=lambda m: m.sent_at)],
    }


def history_item(item: VehicleHistoryItem) -> dict[str, Any]:
    entry = item.entry
    own = isinstance(entry, ServiceLogEntry)
    description = entry.description if isinstance(entry, (ServiceLogEntry, HistoryEntry)) else ""
    return {
        "id": item.id,
        "registration_number": item.plate,
        "service_date": item.service_date.isoformat(),
        "mileage_km": item.mileage_km,
        "workshop": workshop(entry.workshop),
        "description": description,
        "from_current_owner": own,
        "service_log_id": entry.id if own else None,
    }
