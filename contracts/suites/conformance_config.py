"""The schemathesis configuration for the conformance suite: every phase, every applicable check.

Kept as the same table schemathesis.toml would hold, so it reads like the documented options. The
repository's own schemathesis.toml (what a stock `schemathesis run` from the repo root picks up) is
rendered from the same table: `python -m contracts.suites.conformance_config > schemathesis.toml`;
a test fails when the two differ.
"""

from __future__ import annotations

import textwrap
from typing import Any

from schemathesis.config import SchemathesisConfig

from ..events import Setting
from ..options import RunOptions

# schemathesis check name -> our rule id. All of them are on; the reports say so, check by check.
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
# that is valid by the schema can still be refused with a documented 400. For these, 400 counts as a
# legitimate answer to valid data; each with the documented 400s JSON Schema cannot express.
_PLATE = "a plate in the lenient input form that fails the strict rule (INVALID_REGISTRATION_NUMBER)"
_ORG_NR = "an organisation number with a wrong mod-11 check digit (VALIDATION_FAILED)"
_RANGE = "date_from after date_to (INVALID_DATE_RANGE)"
_CONFLICT = "reg and registration_number naming different vehicles (REGISTRATION_NUMBER_CONFLICT)"
_NO_PLATE = "neither reg nor registration_number given (REGISTRATION_NUMBER_REQUIRED)"
_IMAGE = "an image sent in two parts, or bytes that are no JPEG, PNG or WebP picture (INVALID_IMAGE)"
SEMANTIC_400_OPERATIONS: dict[str, str] = {
    "getVehicles": f"{_PLATE}; {_CONFLICT}",
    "linkVehicle": f"{_PLATE}; {_IMAGE}",
    "unlinkVehicle": f"{_PLATE}; {_CONFLICT}; {_NO_PLATE}",
    "refreshVehicle": _PLATE,
    "setPrimaryVehicle": _PLATE,
    "updateVehicle": f"{_PLATE}; {_IMAGE}",
    "createServiceLogExportToken": f"{_PLATE}; {_ORG_NR}; {_RANGE}",
    "getLatestServiceLogs": f"{_PLATE}; {_ORG_NR}",
    "listServiceLogs": f"{_PLATE}; {_ORG_NR}",
    "getServiceLogSummary": f"{_PLATE}; {_ORG_NR}; {_RANGE}",
    "getLatestVehicleHistory": f"{_PLATE}; {_ORG_NR}",
    "listVehicleHistory": f"{_PLATE}; {_ORG_NR}",
}
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


# Checks a stock schemathesis run leaves off for one operation, where schemathesis itself cannot tell
# a correct server from a wrong one and the contract suite can (its dismissal filters, see below).
STOCK_CHECKS_OFF: dict[str, dict[str, str]] = {
    "setPrimaryVehicle": {
        "ensure_resource_availability": (
            "its link from linkVehicle sets the request body, and schemathesis, which now and then sends a "
            "generated body on a link step, still reads the 404 for that other plate as the linked vehicle "
            "missing; the contract suite keeps the check and dismisses exactly those steps"
        ),
    },
}


def stock_operations() -> list[dict[str, Any]]:
    """The `[[operations]]` of the repository's schemathesis.toml: the documented 400s, and the checks
    left off for an operation in a stock run."""
    entries = {entry["include-operation-id"]: entry for entry in semantic_400_operations()}
    for operation, checks in STOCK_CHECKS_OFF.items():
        entry = entries.setdefault(operation, {"include-operation-id": operation, "checks": {}})
        entry["checks"].update({check: {"enabled": False} for check in checks})
    return list(entries.values())


_TOML_HEADER = """\
# What a stock `schemathesis run` picks up when started in this folder (or below it):
#   schemathesis run http://localhost:5000/openapi.json -H "Authorization: Bearer $TOKEN"
# (every check is on by default; `--checks all` on the command line would override the settings for
# single operations below).
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


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, width=98, initial_indent="# ", subsequent_indent="#   ")


def stock_schemathesis_toml() -> str:
    """schemathesis.toml for the repository root, from the same table the conformance suite uses."""
    lines = [_TOML_HEADER]
    for entry in stock_operations():
        operation = entry["include-operation-id"]
        checks = entry["checks"]
        if operation in SEMANTIC_400_OPERATIONS:
            lines += _comment(f"400: {SEMANTIC_400_OPERATIONS[operation]}")
        for check, reason in STOCK_CHECKS_OFF.get(operation, {}).items():
            lines += _comment(f"{check} off: {reason}")
        lines += ["[[operations]]", f'include-operation-id = "{operation}"']
        if "positive_data_acceptance" in checks:
            statuses = checks["positive_data_acceptance"]["expected-statuses"]
            lines.append(
                "checks.positive_data_acceptance.expected-statuses = ["
                + ", ".join(f'"{status}"' for status in statuses)
                + "]"
            )
        lines += [f"checks.{check}.enabled = false" for check in STOCK_CHECKS_OFF.get(operation, {})]
        lines.append("")
    return "\n".join(lines)


# What each check holds the server to here: the reports give it as the reason the check is on.
CHECK_NOTES: dict[str, str] = {
    "not_a_server_error": "no 5xx: bad input always gets a clear 4xx",
    "status_code_conformance": "every status is one the operation documents",
    "content_type_conformance": "every answer has a Content-Type documented for its status",
    "response_schema_conformance": "every answer body validates against its documented schema",
    "response_headers_conformance": (
        "documented response headers are there and valid (X-Request-ID, Content-Disposition, Retry-After)"
    ),
    "negative_data_rejection": (
        "a request the schema forbids is refused with a 4xx; see the dismissal filter for forms below"
    ),
    "positive_data_acceptance": (
        "a schema-valid request is not refused; the operations below may answer a documented 400"
    ),
    "missing_required_header": "a request without a required header (Authorization) is refused",
    "unsupported_method": "a method the path does not declare answers 405",
    "ignored_auth": "a secured operation refuses a request without valid credentials",
    "use_after_free": "a resource once removed (an unlinked vehicle) is not served afterwards",
    "allow_header_conformance": (
        "a 405 names the methods the path really allows (stock Connexion gets that header wrong)"
    ),
    "ensure_resource_availability": (
        "a resource a link step created answers 2xx; see the dismissal filter for link steps below"
    ),
    "object_level_authorization": (
        "on, but it needs two identities in one schemathesis run and gets one; the isolation suite "
        "checks the same rule with --second-token (isolation.*)"
    ),
}
# Checks schemathesis has that this suite leaves off, and why.
CHECKS_OFF: dict[str, str] = {
    "max_response_time": "the spec sets no response-time limit",
}


def explain(options: RunOptions, *, export_token_issued: bool) -> tuple[Setting, ...]:
    """The configuration build_config makes for this run, setting by setting with the reason for each,
    for the reports (which show how the conformance verdicts were reached)."""
    profile = options.profile
    limits = f"{profile.conformance_examples} examples per operation and phase"
    limits += f", {profile.conformance_stateful_steps} steps per stateful scenario"
    if profile.conformance_max_time is not None:
        limits += f", at most {profile.conformance_max_time} s"
    settings = [
        Setting(
            "phases",
            f"{', '.join(profile.conformance_phases)}; {limits}; seed {options.seed}",
            f"the {profile.name} profile",
        )
    ]
    for name, rule in CHECK_RULES.items():
        settings.append(Setting(f"check {name}", f"on ({rule})", CHECK_NOTES[name]))
    settings += [Setting(f"check {name}", "off", reason) for name, reason in CHECKS_OFF.items()]
    statuses = ", ".join([*_POSITIVE_STATUSES, "400"])
    settings += [
        Setting(f"{operation}: positive_data_acceptance", f"accepts {statuses}", f"documented 400: {reason}")
        for operation, reason in SEMANTIC_400_OPERATIONS.items()
    ]
    if export_token_issued:
        settings.append(
            Setting(
                f"{EXPORT_DOWNLOAD_OPERATION}: query.token",
                "a fresh export token",
                "its credential is the export token in the query (security: []), so positive cases reach "
                "the CSV and not only 403",
            )
        )
    else:
        settings.append(
            Setting(
                f"{EXPORT_DOWNLOAD_OPERATION}: query.token",
                "generated",
                "no export token could be issued (GET /api/co/service-log/export-token did not answer 200): "
                "the download is exercised with generated tokens only",
            )
        )
    if options.read_only:
        settings.append(
            Setting(
                "read-only",
                "GET operations only; no probing with undeclared methods",
                "--read-only: a POST, PUT, PATCH or DELETE (or a probe with one) could change data",
            )
        )
    settings += [
        Setting(
            "dismissal filter: ensure_resource_availability",
            "a failure on a stateful step that did not send its link's values is not counted",
            "schemathesis sometimes sends generated data on a link step; a 404 to that says nothing about "
            "the resource the previous step created, and would fail a correct server",
        ),
        Setting(
            "dismissal filter: negative_data_rejection",
            "a form (multipart, urlencoded) accepted as its fields arrived, valid text, is not counted",
            "a form field is text: a generated null, true or 5 arrives as that text, and a server that "
            "accepts the text when it is valid (a nickname 'null') is right",
        ),
    ]
    return tuple(settings)


# Each check a dismissal filter watches, and what its record says when it dismissed nothing.
DISMISSAL_FILTERS: dict[str, str] = {
    "ensure_resource_availability": "no stateful step failed without its link's values",
    "negative_data_rejection": "no form was accepted that was valid as it arrived",
}


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
