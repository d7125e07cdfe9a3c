"""A Navixy caller of the in-process mock: one sandbox's credentials, POST or GET calls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mock_server.packs.navixy import api
from tests.integration.conftest import Mock

LASTEBIL = {
    "label": "Lastebil 3",
    "model": "Volvo FH16",
    "type": "truck",
    "subtype": "tractor",
    "reg_number": "ZT 41235",
    "vin": "YV2RT40A5KB123456",
}


@dataclass(repr=False)
class Navixy:
    mock: Mock
    token: str

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"Navixy({self.token})")

    @property
    def hash(self) -> str:
        return api.session_hash(self.token)

    @property
    def sub_user_hash(self) -> str:
        return api.sub_user_hash(self.token)

    def post(self, action: str, hash: str | None = None, **params: Any) -> Any:
        return self.mock.client.post(f"/v2/{action}", json={"hash": hash or self.hash, **params})

    def get(self, action: str, hash: str | None = None, **params: Any) -> Any:
        query = {"hash": hash or self.hash}
        for name, value in params.items():
            if isinstance(value, (dict, list)):
                query[name] = json.dumps(value)
            elif isinstance(value, bool):
                query[name] = "true" if value else "false"
            else:
                query[name] = str(value)
        return self.mock.client.get(f"/v2/{action}", params=query)

    def create(self, **fields: Any) -> int:
        answer = self.post("vehicle/create", vehicle={**LASTEBIL, **fields})
        assert answer.status_code == 200, answer.text
        return answer.json()["id"]

    def read(self, vehicle_id: int) -> dict[str, Any]:
        answer = self.post("vehicle/read", vehicle_id=vehicle_id)
        assert answer.status_code == 200, answer.text
        return answer.json()["value"]


def navixy_of(mock: Mock) -> Navixy:
    return Navixy(mock, mock.new_sandbox())


def error_of(answer: Any) -> tuple[int, int]:
    """(HTTP status, Navixy code) of a refusal, after checking its envelope."""
    body = answer.json()
    assert answer.headers["content-type"].startswith("application/json"), answer.headers
    assert body["success"] is False and isinstance(body["status"]["description"], str), body
    return answer.status_code, body["status"]["code"]
