"""The schemathesis configuration for the conformance suite: every phase, every applicable check.

Kept as the same table schemathesis.toml would hold, so it reads like the documented options. The
repository's own schemathesis.toml (what a stock `schemathesis run` from the repo root picks up) is
rendered from the same table: `python -m contracts.suites.conformance_config > schemathesis.toml`;
a test fails when the two differ.
"""

from __future__ import annotations

from typing import Any

from schemathesis.config import SchemathesisConfig

from ..options import RunOptions

# schemathesis check name -> our rule id
CHECK_RULES: dict[str, str] = {
    "not_a_server_error": "conformance.server-error",
    "status_code_conformance": "conformance.status-code",
    "content_type_conformance": "conformance.content-type",
    "response_schema_conformance": "conformance.response-schema",
    "response_headers_conformance": "conformance.response-headers",
    "negative_data_rejection": "conformance.negative-data-rejection",
    "positive_data_acceptance": "conformance.positive-data-acceptance",
    "missing_required_header": "conformance.missing-required-header",
    "unsupported_method": "conformance.unsupported-method",
    "ignored_auth": "conformance.ignored-auth",
    "use_after_free": "conformance.use-after-free",
    "allow_header_conformance": "conformance.allow-header",
    "ensure_resource_availability": "conformance.resource-availability",
    "object_level_authorization": "conformance.object-level-authorization",
}

# Operations whose inputs the spec deliberately accepts more widely than the rules do, so a request
# that is valid by the schema can still be refused with a documented 400: plates in the lenient input
# form that fail the strict rule (INVALID_REGISTRATION_NUMBER), organisation numbers with a wrong mod-11
# check digit, date_from after date_to (INVALID_DATE_RANGE), reg and registration_number naming
# different vehicles (REGISTRATION_NUMBER_CONFLICT), neither of them given (REGISTRATION_NUMBER_REQUIRED),
# an update without nickname or image, an image sent in two parts or bytes that are no picture
# (INVALID_IMAGE). For these, 400 counts as a legitimate answer to valid data.
SEMANTIC_400_OPERATIONS: tuple[str, ...] = (
    "getVehicles",
    "linkVehicle",
    "unlinkVehicle",
    "refreshVehicle",
    "setPrimaryVehicle",
    "updateVehicle",
    "createServiceLogExportToken",
    "getLatestServiceLogs",
    "listServiceLogs",
    "getServiceLogSummary",
    "getLatestVehicleHistory",
    "listVehicleHistory",
)
# schemathesis's own default for positive_data_acceptance, to which these operations add 400.
_POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
EXPORT_DOWNLOAD_OPERATION = "downloadServiceLogExport"


def semantic_400_operations() -> list[dict[str, Any]]:
    """The `[[operations]]` entries that accept a documented 400 as an answer to schema-valid data."""
    return [
        {
            "include-operation-id": operation_id,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*_POSITIVE_STATUSES, "400"]}},
        }
        for operation_id in SEMANTIC_400_OPERATIONS
    ]


_TOML_HEADER = """\
# What a stock `schemathesis run` picks up when started in this folder (or below it):
#   schemathesis run http://localhost:5000/openapi.json --checks all -H "Authorization: Bearer $TOKEN"
# The spec's lenient input forms admit values that its rules refuse with a documented 400 — plates
# that fail the strict rule, organisation numbers with a wrong mod-11 check digit, date_from after
# date_to, reg and registration_number naming different vehicles, an image sent in two parts or
# bytes that are no picture. JSON Schema cannot say so; this table lets those operations answer a
# schema-valid request with 400.
#
# Rendered from contracts/suites/conformance_config.py, the table the contract suite uses; a test
# fails when they differ. Regenerate with:
#   .venv/bin/python -m contracts.suites.conformance_config > schemathesis.toml
"""


def stock_schemathesis_toml() -> str:
    """schemathesis.toml for the repository root, from the same table the conformance suite uses."""
    lines = [_TOML_HEADER]
    for entry in semantic_400_operations():
        statuses = entry["checks"]["positive_data_acceptance"]["expected-statuses"]
        lines += [
            "[[operations]]",
            f'include-operation-id = "{entry["include-operation-id"]}"',
            "checks.positive_data_acceptance.expected-statuses = ["
            + ", ".join(f'"{status}"' for status in statuses)
            + "]",
            "",
        ]
    return "\n".join(lines)


def build_config(options: RunOptions, *, base_url: str, export_token: str | None) -> SchemathesisConfig:
    profile = options.profile
    phases = set(profile.conformance_phases)
    operations = semantic_400_operations()
    if export_token is not None:
        # The download operation has `security: []`: its credential is the export token in the query,
        # not the bearer token. Hand it a real one so positive cases reach the CSV, not just 403.
        operations.append(
            {"include-operation-id": EXPORT_DOWNLOAD_OPERATION, "parameters": {"query.token": export_token}}
        )
    data: dict[str, Any] = {
        "seed": options.seed,
        "base-url": base_url,
        "headers": {"Authorization": f"Bearer {options.token}"},
        "workers": 1,
        "generation": {"max-examples": profile.conformance_examples, "database": "none"},
        "phases": {
            "examples": {"enabled": "examples" in phases, "fill-missing": True},
            # Read-only: no probing with undeclared methods either (a DELETE or POST could land on a real
            # operation of the same path).
            "coverage": {"enabled": "coverage" in phases}
            | ({"unexpected-methods": []} if options.read_only else {}),
            "fuzzing": {"enabled": "fuzzing" in phases},
            "stateful": {"enabled": "stateful" in phases, "max-steps": profile.conformance_stateful_steps},
        },
        # Every check is on, allow_header_conformance included: a 405 must name the methods the
        # path really allows. (Stock Connexion gets that header wrong; the mock answers 405s itself.)
        "operations": operations,
    }
    if profile.conformance_max_time is not None:
        data["max-time"] = profile.conformance_max_time
    return SchemathesisConfig.from_dict(data)


if __name__ == "__main__":
    import sys

    sys.stdout.write(stock_schemathesis_toml())
