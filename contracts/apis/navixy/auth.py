"""Auth: the session hash and the sub-user's rights, as Navixy documents them."""

from __future__ import annotations

import os

from ...context import SuiteContext
from ...failures import CheckSkipped
from .client import NavixyClient, expect_refusal

SUB_USER_ENV = "MINBIL_NAVIXY_SUB_USER_HASH"
DESCRIPTION = "a missing, malformed or ended hash and a sub-user without vehicle_update are refused"
VEHICLE = {
    "label": "Kontroll",
    "model": "Volvo FH",
    "type": "truck",
    "reg_number": "ZT 1",
    "vin": "YV2RT40A5KB000001",
}


def wrong_hash_is_3(client: NavixyClient) -> None:
    for value in (None, "", "NOT-A-HASH", "f" * 31):
        answer = client.call("vehicle/list", hash=value)
        expect_refusal(answer, 3, "navixy.auth-wrong-hash", f"vehicle/list with hash {value!r}")


def ended_session_is_4(client: NavixyClient) -> None:
    for method in ("POST", "GET"):
        answer = client.call("vehicle/list", method=method, hash="0" * 32)
        expect_refusal(answer, 4, "navixy.auth-ended-session", f"{method} vehicle/list with an unknown hash")


def sub_user_cannot_write(client: NavixyClient) -> None:
    """`client` carries the sub-user's hash: it may list, not create or delete."""
    listed = client.call("vehicle/list")
    if not listed.ok:
        raise CheckSkipped("the sub-user hash is not accepted at all")
    for action, params in (
        ("vehicle/create", {"vehicle": VEHICLE}),
        ("vehicle/delete", {"vehicle_ids": [1]}),
        ("vehicle/batch_convert", {"batch": "Kontroll\tVolvo FH\tZT 1\tDiesel"}),
    ):
        answer = client.call(action, **params)
        expect_refusal(answer, 11, "navixy.auth-sub-user-rights", f"{action} by the sub-user")


def run(ctx: SuiteContext) -> None:
    client = NavixyClient(ctx.http, ctx.options.token)
    sub_user_hash = os.environ.get(SUB_USER_ENV)
    ctx.run_check("a missing or malformed hash answers 3", lambda: wrong_hash_is_3(client))
    ctx.run_check("an ended session answers 4", lambda: ended_session_is_4(client))

    def sub_user() -> None:
        if not sub_user_hash:
            raise CheckSkipped(f"needs the sub-user's hash in {SUB_USER_ENV}")
        sub_user_cannot_write(NavixyClient(ctx.http, sub_user_hash))

    ctx.run_check("the sub-user without vehicle_update cannot write", sub_user)
