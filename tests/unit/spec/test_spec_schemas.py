"""Schemas: typed, closed, complete, and shaped exactly as the CarOwner resources are named."""

from __future__ import annotations

import re

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.spec.spec_support import (
    SCHEMA_COMPOSITIONS,
    iter_response_object_schemas,
    iter_schemas,
    load_spec,
)

SPEC = load_spec()
SCHEMAS = SPEC["components"]["schemas"]
ALL_SCHEMAS = list(iter_schemas(SPEC))
OPTIONAL_RESPONSE_FIELDS = {("/components/schemas/Problem", "errors")}

VEHICLE_SUMMARY_FIELDS = {
    "registration_number", "nickname", "image_url", "is_primary", "make", "model",
    "first_registration_date", "fuel_type", "colour", "linked_at", "updated_at",
}  # fmt: skip
VEHICLE_DETAILS_EXTRA_FIELDS = {
    "vin", "registration_status", "registration_status_text", "fuel_name", "body_type",
    "vehicle_class", "seats", "curb_weight_kg", "max_total_weight_kg",
    "max_trailer_weight_braked_kg", "power_kw", "eu_control_due", "eu_control_last_approved",
    "registry_refreshed_at",
}  # fmt: skip
NOTIFICATION_EVENTS = {
    "booking.requested", "booking.accepted", "booking.declined", "booking.updated",
    "booking.completed", "message.new", "rating.reminder",
}  # fmt: skip

# Field names are binding: each resource has exactly these properties.
RESOURCE_FIELDS = {
    "VehicleSummary": VEHICLE_SUMMARY_FIELDS,
    "VehicleDetails": VEHICLE_SUMMARY_FIELDS | VEHICLE_DETAILS_EXTRA_FIELDS,
    "UnlinkResult": {"registration_number", "unlinked", "primary_registration_number"},
    "Meta": {"request_id", "generated_at"},
    "PageMeta": {"request_id", "generated_at", "page", "page_size", "total", "total_pages"},
    "Problem": {"type", "title", "status", "detail", "code", "request_id", "errors"},
    "FieldError": {"field", "message"},
    "ChannelPreferences": {"email", "push"},
    "ChannelPreferencesPatch": {"email", "push"},
    "NotificationPreferences": NOTIFICATION_EVENTS,
    "NotificationPreferencesPatch": NOTIFICATION_EVENTS,
    "NotificationSettingsResponse": {"preferences"},
    "RealtimeConfig": {"supabase_url", "anon_key", "channels", "enabled"},
    "RealtimeChannels": {"notifications", "bookings", "messages"},
    "Workshop": {"org_nr", "name", "city"},
    "ServiceItem": {"description", "price_nok"},
    "ServiceLogEntry": {
        "id", "booking_id", "registration_number", "workshop", "service_date", "description",
        "items", "mileage_km", "total_price_nok", "rating", "message_count",
    },
    "ServiceLogFilters": {"registration_number", "workshop_org_nr", "date_from", "date_to"},
    "ServiceLogSummary": {"count", "rated_count", "average_rating", "last_service_date", "filters"},
    "Message": {"id", "sender", "author_name", "body", "sent_at", "read_at"},
    "MessageThread": {"service_log_id", "booking_id", "workshop", "registration_number", "messages"},
    "VehicleHistoryEntry": {
        "id", "registration_number", "service_date", "mileage_km", "workshop", "description",
        "from_current_owner", "service_log_id",
    },
    "ExportToken": {"token", "expires_at", "download_url", "filters"},
    "LinkVehicleRequest": {"registration_number", "nickname", "image"},
    "LinkVehicleForm": {"registration_number", "nickname", "file", "image"},
    "UpdateVehicleRequest": {"nickname", "image"},
    "UpdateVehicleForm": {"nickname", "file", "image"},
    "SetPrimaryVehicleRequest": {"registration_number"},
}  # fmt: skip

# Fields that may be null, per resource (3.0 style `nullable: true`, directly or via $ref).
NULLABLE_FIELDS = {
    "VehicleSummary": {"nickname", "image_url", "first_registration_date", "colour"},
    "VehicleDetails": {
        "nickname", "image_url", "first_registration_date", "colour", "registration_status_text",
        "fuel_name", "body_type", "vehicle_class", "seats", "curb_weight_kg", "max_total_weight_kg",
        "max_trailer_weight_braked_kg", "power_kw", "eu_control_due", "eu_control_last_approved",
    },
    "UnlinkResult": {"primary_registration_number"},
    "ServiceLogEntry": {"rating"},
    "ServiceLogSummary": {"average_rating", "last_service_date"},
    "ServiceLogFilters": {"registration_number", "workshop_org_nr", "date_from", "date_to"},
    "Message": {"read_at"},
    "VehicleHistoryEntry": {"mileage_km", "service_log_id"},
}  # fmt: skip

ENVELOPES = {
    "VehicleDetailsEnvelope": ("#/components/schemas/VehicleDetails", "Meta"),
    "UnlinkResultEnvelope": ("#/components/schemas/UnlinkResult", "Meta"),
    "ServiceLogListEnvelope": ("array:ServiceLogEntry", "Meta"),
    "ServiceLogPageEnvelope": ("array:ServiceLogEntry", "PageMeta"),
    "ServiceLogSummaryEnvelope": ("#/components/schemas/ServiceLogSummary", "Meta"),
    "MessageThreadEnvelope": ("#/components/schemas/MessageThread", "Meta"),
    "VehicleHistoryListEnvelope": ("array:VehicleHistoryEntry", "Meta"),
    "VehicleHistoryPageEnvelope": ("array:VehicleHistoryEntry", "PageMeta"),
    "ExportTokenEnvelope": ("#/components/schemas/ExportToken", "Meta"),
    "VehicleListOrDetailsEnvelope": ("oneOf", "Meta"),
}


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


@pytest.mark.parametrize(("pointer", "schema"), ALL_SCHEMAS, ids=[p for p, _ in ALL_SCHEMAS])
def test_no_schema_is_empty_or_untyped(pointer: str, schema: dict) -> None:
    assert schema, "empty schema {}"
    if "$ref" in schema:
        assert set(schema) == {"$ref"}, "3.0 ignores siblings of $ref"
        return
    composed = [k for k in SCHEMA_COMPOSITIONS if k in schema]
    assert "type" in schema or composed
    for keyword in composed:
        assert all(member for member in schema[keyword])
    if schema.get("type") == "object":
        assert schema.get("properties"), "object without properties"
    if schema.get("type") == "array":
        assert schema.get("items"), "array without items"


def test_the_walker_sees_every_component_schema() -> None:
    walked = {pointer for pointer, _ in ALL_SCHEMAS}
    assert {f"/components/schemas/{name}" for name in SCHEMAS} <= walked
    assert len(walked) > 200


@pytest.mark.parametrize(("pointer", "schema"), ALL_SCHEMAS, ids=[p for p, _ in ALL_SCHEMAS])
def test_every_object_schema_rejects_unknown_keys(pointer: str, schema: dict) -> None:
    if schema.get("type") == "object":
        assert schema.get("additionalProperties") is False


def test_response_objects_require_every_field_they_declare() -> None:
    checked = list(iter_response_object_schemas(SPEC))
    assert len(checked) >= 20
    for pointer, schema in checked:
        optional = set(schema["properties"]) - set(schema.get("required", []))
        assert optional == {name for (p, name) in OPTIONAL_RESPONSE_FIELDS if p == pointer}, pointer


@pytest.mark.parametrize(("name", "fields"), RESOURCE_FIELDS.items(), ids=list(RESOURCE_FIELDS))
def test_resource_has_exactly_its_binding_field_names(name: str, fields: set[str]) -> None:
    assert set(SCHEMAS[name]["properties"]) == fields


@pytest.mark.parametrize(("name", "nullable"), NULLABLE_FIELDS.items(), ids=list(NULLABLE_FIELDS))
def test_exactly_the_optional_values_are_nullable(name: str, nullable: set[str]) -> None:
    properties = SCHEMAS[name]["properties"]
    actual = {field for field, schema in properties.items() if _resolve(schema).get("nullable")}
    assert actual == nullable


def test_vehicle_details_repeat_the_summary_fields_unchanged() -> None:
    summary = SCHEMAS["VehicleSummary"]["properties"]
    details = SCHEMAS["VehicleDetails"]["properties"]
    assert {name: details[name] for name in summary} == summary


@pytest.mark.parametrize(("name", "shape"), ENVELOPES.items(), ids=list(ENVELOPES))
def test_envelopes_carry_data_and_the_right_meta(name: str, shape: tuple[str, str]) -> None:
    data_shape, meta = shape
    envelope = SCHEMAS[name]
    assert envelope["required"] == ["data", "meta"]
    assert envelope["properties"]["meta"] == {"$ref": f"#/components/schemas/{meta}"}
    data = envelope["properties"]["data"]
    if data_shape.startswith("array:"):
        assert data["type"] == "array"
        assert data["items"] == {"$ref": f"#/components/schemas/{data_shape.removeprefix('array:')}"}
    elif data_shape == "oneOf":
        assert len(data["oneOf"]) == 2
    else:
        assert data == {"$ref": data_shape}


def test_pages_never_exceed_the_largest_page_size() -> None:
    for name in ("ServiceLogPageEnvelope", "VehicleHistoryPageEnvelope"):
        assert SCHEMAS[name]["properties"]["data"]["maxItems"] == 100
    assert SCHEMAS["PageMeta"]["properties"]["page_size"]["maximum"] == 100


def test_dates_timestamps_and_ids_use_their_formats() -> None:
    formats = {
        ("VehicleSummary", "first_registration_date"): "date",
        ("VehicleSummary", "linked_at"): "date-time",
        ("VehicleSummary", "updated_at"): "date-time",
        ("VehicleSummary", "image_url"): "uri",
        ("VehicleDetails", "registry_refreshed_at"): "date-time",
        ("VehicleDetails", "eu_control_due"): "date",
        ("ServiceLogEntry", "booking_id"): "uuid",
        ("ServiceLogEntry", "service_date"): "date",
        ("Message", "id"): "uuid",
        ("Message", "sent_at"): "date-time",
        ("ExportToken", "expires_at"): "date-time",
        ("ExportToken", "download_url"): "uri",
        ("RealtimeConfig", "supabase_url"): "uri",
        ("Meta", "request_id"): "uuid",
        ("Meta", "generated_at"): "date-time",
        ("Problem", "type"): "uri-reference",
        ("Problem", "request_id"): "uuid",
    }
    for (schema, field), expected in formats.items():
        assert SCHEMAS[schema]["properties"][field]["format"] == expected, (schema, field)


def test_plates_in_responses_are_normalised_and_inputs_lenient() -> None:
    assert SCHEMAS["RegistrationNumber"]["pattern"] == "^[A-Z0-9ÆØÅ]{2,7}$"
    assert SCHEMAS["RegistrationNumberInput"]["pattern"] == "^[ -]*([A-Za-z0-9ÆØÅæøå][ -]*){2,7}$"
    for request in ("LinkVehicleRequest", "LinkVehicleForm", "SetPrimaryVehicleRequest"):
        assert SCHEMAS[request]["properties"]["registration_number"] == {
            "$ref": "#/components/schemas/RegistrationNumberInput"
        }
        assert SCHEMAS[request]["required"] == ["registration_number"]


def test_enumerations_match_the_documented_values() -> None:
    assert SCHEMAS["FuelType"]["enum"] == [
        "petrol", "diesel", "electric", "plug_in_hybrid", "hybrid", "hydrogen", "gas", "other",
    ]  # fmt: skip
    assert SCHEMAS["RegistrationStatus"]["enum"] == ["registered", "deregistered", "scrapped", "unknown"]
    assert SCHEMAS["Message"]["properties"]["sender"]["enum"] == ["owner", "workshop"]
    assert SCHEMAS["UnlinkResult"]["properties"]["unlinked"]["enum"] == [True]


def test_problem_codes_are_the_stable_catalogue() -> None:
    assert set(SCHEMAS["ProblemCode"]["enum"]) == {
        "VALIDATION_FAILED", "INVALID_JSON", "INVALID_REGISTRATION_NUMBER",
        "REGISTRATION_NUMBER_CONFLICT", "REGISTRATION_NUMBER_REQUIRED", "INVALID_DATE_RANGE",
        "INVALID_IMAGE", "UNAUTHENTICATED", "EXPORT_TOKEN_EXPIRED", "EXPORT_TOKEN_INVALID",
        "VEHICLE_NOT_LINKED", "VEHICLE_NOT_FOUND_IN_REGISTRY", "SERVICE_LOG_NOT_FOUND",
        "NO_PRIMARY_VEHICLE", "NOT_FOUND", "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE",
        "UNSUPPORTED_MEDIA_TYPE", "REGISTRY_UNAVAILABLE", "REQUEST_TIMEOUT", "SERVER_BUSY", "INTERNAL_ERROR",
    }  # fmt: skip


def test_vehicle_updates_need_at_least_one_field() -> None:
    assert SCHEMAS["UpdateVehicleRequest"]["minProperties"] == 1
    assert SCHEMAS["UpdateVehicleForm"]["minProperties"] == 1


def test_notification_patch_is_optional_at_both_levels_and_response_complete() -> None:
    patch = SCHEMAS["NotificationPreferencesPatch"]
    assert "required" not in patch and "required" not in SCHEMAS["ChannelPreferencesPatch"]
    assert all(
        p == {"$ref": "#/components/schemas/ChannelPreferencesPatch"} for p in patch["properties"].values()
    )
    full = SCHEMAS["NotificationPreferences"]
    assert set(full["required"]) == NOTIFICATION_EVENTS
    assert set(SCHEMAS["ChannelPreferences"]["required"]) == {"email", "push"}


def test_nickname_is_at_most_40_characters_everywhere() -> None:
    assert SCHEMAS["Nickname"]["maxLength"] == 40
    for form in ("LinkVehicleForm", "UpdateVehicleForm"):
        assert SCHEMAS[form]["properties"]["nickname"]["maxLength"] == 40


_INPUT_PLATE = re.compile(SCHEMAS["RegistrationNumberInput"]["pattern"])
_PLATE_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZabcxyzÆØÅæøå0123456789 -_.ß"


@given(st.text(alphabet=_PLATE_ALPHABET, max_size=14))
def test_the_input_plate_pattern_accepts_exactly_what_normalises_to_a_valid_plate(raw: str) -> None:
    """Schema-valid input is never refused by the server's plate rule, and vice versa."""
    from mock_server.domain.errors import DomainError
    from mock_server.domain.plates import parse_plate

    try:
        accepted = bool(parse_plate(raw))
    except DomainError:
        accepted = False
    assert bool(_INPUT_PLATE.fullmatch(raw)) == accepted


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_url_the_image_reference_accepts_is_a_valid_uri(data: st.DataObject) -> None:
    # The mock stores such a URL as given and answers it as `image_url` (format: uri): a reference
    # the request accepts must be one the response schema accepts too (e.g. no lone "%").
    pattern = SCHEMAS["ImageReference"]["pattern"]
    url = data.draw(st.from_regex(pattern, fullmatch=True).filter(lambda value: value.startswith("http")))
    assert jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True).is_valid(
        url
    )
