"""Signed, short-lived service-log export tokens: `<base64url payload>.<base64url HMAC-SHA256>`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from ....domain.errors import DomainError
from ..service_log_store import LogFilter

EXPORT_TOKEN_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class ExportGrant:
    user_id: UUID
    where: LogFilter
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ExportTokenSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode(), hashlib.sha256).digest())

    def issue(self, user_id: UUID, where: LogFilter, now: datetime) -> tuple[str, ExportGrant]:
        expires_at = (now + EXPORT_TOKEN_TTL).replace(microsecond=0)
        claims = {
            # A nonce: each call mints a new token, even for the same filters within one second.
            "jti": secrets.token_urlsafe(9),
            "sub": str(user_id),
            "exp": int(expires_at.timestamp()),
            "reg": where.plate,
            "org": where.workshop_org_nr,
            "from": where.date_from.isoformat() if where.date_from else None,
            "to": where.date_to.isoformat() if where.date_to else None,
        }
        payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{self._sign(payload)}", ExportGrant(user_id, where, expires_at)

    def verify(self, token: str) -> ExportGrant:
        """The grant behind an untampered token (expiry is checked by the caller's clock)."""
        invalid = DomainError("EXPORT_TOKEN_INVALID", "The export token is not valid.", field="token")
        payload, _, signature = token.partition(".")
        if not payload or not hmac.compare_digest(signature.encode(), self._sign(payload).encode()):
            raise invalid
        try:
            claims = json.loads(_unb64(payload))
            return ExportGrant(
                user_id=UUID(claims["sub"]),
                where=LogFilter(
                    plate=claims["reg"],
                    workshop_org_nr=claims["org"],
                    date_from=date.fromisoformat(claims["from"]) if claims["from"] else None,
                    date_to=date.fromisoformat(claims["to"]) if claims["to"] else None,
                ),
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise invalid from exc


def check_not_expired(grant: ExportGrant, now: datetime) -> None:
    if now >= grant.expires_at:
        raise DomainError(
            "EXPORT_TOKEN_EXPIRED", "The export token has expired; ask for a new one.", field="token"
        )
