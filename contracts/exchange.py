"""One request and what came back, kept so a failure can be reproduced by hand (with a curl line)."""

from __future__ import annotations

import contextlib
import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

# Secrets are never written into reports; curl lines refer to them by environment variable instead.
TOKEN_VARIABLE = "MINBIL_ACCESS_TOKEN"
SECOND_TOKEN_VARIABLE = "MINBIL_SECOND_TOKEN"
REGISTRY_KEY_VARIABLE = "SVV_API_KEY"
_BODY_EXCERPT = 1200


@dataclass(frozen=True)
class Secrets:
    """Values to replace by `$VARIABLE` when rendering requests."""

    by_value: Mapping[str, str] = field(default_factory=dict)

    def redact(self, text: str) -> str:
        for value, variable in self.by_value.items():
            # Very short values would match by accident inside other text.
            if len(value) >= 4:
                text = text.replace(value, f"${variable}")
        return text


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...] = ()
    request_body: bytes | None = None
    status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: bytes = b""

    @property
    def request_body_text(self) -> str | None:
        if self.request_body is None:
            return None
        return _excerpt(self.request_body)

    @property
    def response_body_text(self) -> str:
        return _excerpt(self.response_body)

    def response_header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.response_headers if key.lower() == lowered), None)

    def summary(self) -> str:
        status = self.status if self.status is not None else "no response"
        return f"{self.method} {self.url} -> {status}"

    def curl(self, secrets: Secrets | None = None) -> str:
        secrets = secrets or Secrets()
        parts = ["curl", "-sS", "-X", self.method]
        for name, value in self.request_headers:
            if name.lower() in _NOISE_HEADERS:
                continue
            parts += ["-H", f"{name}: {value}"]
        if self.request_body is not None:
            parts += ["--data-binary", _excerpt(self.request_body)]
        parts.append(self.url)
        # Quote with double quotes where a secret is inside, so the shell expands the variable.
        return " ".join(_quote(part, secrets) for part in parts)


_NOISE_HEADERS = frozenset(
    {"host", "accept-encoding", "connection", "user-agent", "content-length", "accept"}
)


def _quote(part: str, secrets: Secrets) -> str:
    redacted = secrets.redact(part)
    if redacted != part:
        escaped = redacted.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
        return f'"{escaped}"'
    return shlex.quote(part)


def _excerpt(body: bytes) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(body)} bytes of binary data>"
    # Compact JSON keeps reproductions on one line where possible.
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    if len(text) > _BODY_EXCERPT:
        return text[:_BODY_EXCERPT] + f"… ({len(text)} characters)"
    return text
