"""The operator of a shared mock: whoever sends the `--admin-token` as X-Mock-Admin-Token.

Only the operator may delete or make anew the demo sandboxes, replace their seeded snapshot, or
pass the sandbox limit. Without --admin-token nobody can; a wrong or unexpected token is refused
rather than ignored, so a typo does not look like a missing right."""

from __future__ import annotations

import secrets

from ..domain.errors import DomainError
from ..request_context import current_header

ADMIN_HEADER = "X-Mock-Admin-Token"


class Operator:
    def __init__(self, admin_token: str | None) -> None:
        self._token = admin_token

    def is_caller(self) -> bool:
        """True when this request carries the admin token; False when it carries none."""
        given = current_header(ADMIN_HEADER.lower().encode())
        if given is None:
            return False
        if self._token is None:
            raise DomainError(
                "ADMIN_TOKEN_INVALID",
                f"{ADMIN_HEADER} was sent, but this mock has no operator token (minbil-mock --admin-token).",
            )
        if not secrets.compare_digest(given.encode(), self._token.encode()):
            raise DomainError("ADMIN_TOKEN_INVALID", f"{ADMIN_HEADER} is not this mock's operator token.")
        return True
