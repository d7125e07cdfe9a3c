"""The Navixy pack: `/v2/vehicle/*` and `/v2/user/auth` as a stateful mock, one account per sandbox.

spec.py reads the rules from openapi.yaml; world.py is the account's state and the demo fleet;
actions.py the vehicle actions; api.py the requests, credentials and mounting; errors.py Navixy's
error envelope.
"""

from __future__ import annotations

from ..base import ApiPack, fleet_summary
from . import api, world
from .errors import error_answer
from .spec import SPEC_PATH

FAULTS: dict[str, str] = {
    "navixy-list-offset-off-by-one": "vehicle/list skips one vehicle more than `offset` asks",
    "navixy-sort-ignores-desc": "vehicle/list sorts `=desc` options ascending",
    "navixy-filter-label-only": "vehicle/list `filter` matches labels only, not VINs or reg numbers",
    "navixy-update-keeps-old-tags": "vehicle/update keeps the vehicle's old tags",
    "navixy-delete-ids-refuses-unknown": (
        "vehicle/delete with `vehicle_ids` naming an unknown vehicle answers 201"
    ),
    "navixy-sub-user-may-write": "the sub-user without vehicle_update may create, update, delete and convert",
    "navixy-ended-hash-code-3": "a well-formed hash that names no session answers code 3, not 4",
    "navixy-read-any-sandbox": "vehicle/read serves another sandbox's vehicle of an id this one lacks",
    "navixy-force-reassign-ignored": "create and update take a bound tracker even with force_reassign false",
    "navixy-not-found-http-404": "code 201 (not found) is answered with HTTP 404, not the documented 400",
}

PACK = ApiPack(
    name="navixy",
    title="Navixy vehicle API",
    spec_path=SPEC_PATH,
    base_path=api.BASE_PATH,
    new_state=world.new_state,
    state_from_json=world.state_from_json,
    credentials=api.credentials,
    credential_values=api.credential_values,
    credential_in=api.credential_in,
    mount=api.mount,
    seed_fleet=world.seed_fleet,
    error_answer=error_answer,
    faults=FAULTS,
    docs_page="navixy",
    summary=fleet_summary("navixy"),
    changes_state=api.changes_state,
)
