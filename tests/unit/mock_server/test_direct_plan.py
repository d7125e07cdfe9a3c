"""Which CarOwner operations the direct path prepares, and what it leaves to Connexion."""

from __future__ import annotations

import typing as t

import pytest
from connexion.spec import Specification

from mock_server.app import build_world
from mock_server.direct import prepare_operations
from mock_server.direct.plan import Parameter
from mock_server.fast_validation import PARAMETER, CompiledSchemas
from mock_server.packs.carowner.handlers.service_log import ServiceLogHandlers
from mock_server.packs.carowner.handlers.vehicles import VehicleHandlers
from mock_server.packs.carowner.services import carowner_services
from mock_server.resolution import operations
from mock_server.settings import SPEC_PATH, Settings


@pytest.fixture(scope="module")
def carowner() -> Specification:
    return Specification.load(SPEC_PATH)


@pytest.fixture(scope="module")
def handlers() -> dict[str, t.Any]:
    world = build_world(Settings())
    services = carowner_services(world)
    return operations(
        VehicleHandlers(world.sandboxes, services.vehicles),
        ServiceLogHandlers(world.sandboxes, services.export_signer, world.settings.realtime),
    )


def test_every_json_operation_is_prepared_and_multipart_and_csv_ones_are_not(
    carowner: Specification, handlers: dict[str, t.Any]
) -> None:
    prepared = {op.operation_id: op for op in prepare_operations(carowner, handlers, CompiledSchemas())}
    everything = {op["operationId"] for item in carowner["paths"].values() for op in item.values()}
    # linkVehicle and updateVehicle also take multipart bodies; the export download answers CSV.
    assert set(prepared) == everything - {"linkVehicle", "updateVehicle", "downloadServiceLogExport"}
    listing = prepared["listServiceLogs"]
    assert listing.secured and listing.query_defaults == {"page": 1, "page_size": 20}
    assert set(listing.query) == {"page", "page_size", "registration_number", "workshop_org_nr"}
    assert prepared["getServiceLogMessages"].path["id"].type == "integer"
    assert prepared["updateNotificationSettings"].body is not None


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("20", (True, 20)), ("0", (False, 0)), ("101", (False, 101)), ("+2", (False, None)),
        (" 2", (False, None)), ("1_0", (False, None)), ("٣", (False, None)), ("", (False, None)),
        ("9" * 19, (False, None)),
    ],
)  # fmt: skip
def test_integers_are_served_directly_only_as_plain_digits_the_schema_accepts(
    text: str, accepted: tuple[bool, t.Any]
) -> None:
    schema = {"type": "integer", "minimum": 1, "maximum": 100}
    parameter = Parameter("limit", "limit", "integer", False, CompiledSchemas().validator(schema, PARAMETER))
    assert parameter.convert(text) == accepted
