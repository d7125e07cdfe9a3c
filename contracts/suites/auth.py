"""Auth: every secured operation refuses a request without a token and one with an unknown token."""

from __future__ import annotations

import secrets

from ..client import ApiClient, ApiResponse
from ..context import SuiteContext
from ..failures import CheckSkipped, expect
from ..spec import Operation, operations

DESCRIPTION = "every secured operation refuses a missing or unknown bearer token with 401 problem+json"
UNAUTHENTICATED = "UNAUTHENTICATED"


def run(ctx: SuiteContext) -> None:
    # A token no server has issued: random, so no server can have it by accident.
    wrong_token = f"contracts-wrong-{secrets.token_hex(8)}"
    for operation in operations(ctx.options.spec_path):
        if not operation.secured:
            continue
        ctx.run_check(
            f"no token: {operation.label}",
            lambda operation=operation: _refused(ctx, ctx.anonymous(), operation, "auth.missing-token"),
        )
        ctx.run_check(
            f"unknown token: {operation.label}",
            lambda operation=operation: _refused(ctx, ctx.client(wrong_token), operation, "auth.wrong-token"),
        )


def _refused(ctx: SuiteContext, api: ApiClient, operation: Operation, rule_id: str) -> None:
    if operation.mutates and ctx.options.read_only and operation.operation_id != "updateNotificationSettings":
        # A server that wrongly accepted the request would change data; read-only runs do not risk it.
        raise CheckSkipped("read-only mode: this operation changes data")
    body = {} if operation.operation_id == "updateNotificationSettings" else operation.sample_body
    response = _send(api, operation, body)
    expect(
        response.status == 401,
        rule_id,
        f"{operation.label} answered {response.status} to a request with "
        f"{'no' if api.token is None else 'an unknown'} token, not 401",
        response.exchange,
    )
    expect(
        response.content_type == "application/problem+json" and response.problem_code == UNAUTHENTICATED,
        "auth.problem-details",
        f"the 401 is {response.content_type} with code {response.problem_code!r}, expected "
        f"application/problem+json with code {UNAUTHENTICATED}",
        response.exchange,
    )


def _send(api: ApiClient, operation: Operation, body: object) -> ApiResponse:
    if body is None:
        return api.request(operation.method, operation.sample_path, params=operation.sample_query)
    return api.request(operation.method, operation.sample_path, params=operation.sample_query, json_body=body)
