"""Domain errors: plain exceptions carrying a stable code; problems.py maps them to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken. `code` is the stable UPPER_SNAKE code clients switch on."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        field: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.field = field
        self.retry_after = retry_after
