"""What every API's handlers share: operationId → handler (every public method of the handler
objects, with broken rules answered), and the caller's sandbox."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .domain.errors import DomainError
from .problems import from_domain_error
from .request_context import use_clock
from .store.sandbox import Sandbox, SandboxRegistry


def _answer_domain_errors(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Broken rules become problem responses inside the handler, so response validation sees them."""

    @functools.wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await handler(*args, **kwargs)
        except DomainError as error:
            return from_domain_error(error)

    return wrapper


def operations(*handler_objects: object) -> dict[str, Callable[..., Any]]:
    """operationId -> bound handler method, for every public method of the handler objects."""
    table: dict[str, Callable[..., Any]] = {}
    for handlers in handler_objects:
        for name in dir(handlers):
            if name[0].islower() and not name.startswith("_") and callable(getattr(handlers, name)):
                table[name] = _answer_domain_errors(getattr(handlers, name))
    return table


def sandbox_of(sandboxes: SandboxRegistry, user: str) -> Sandbox:
    sandbox = sandboxes.by_token(user)
    if sandbox is None:  # the token was valid when checked but its sandbox is gone since
        raise DomainError("UNAUTHENTICATED", "Unknown bearer token.")
    use_clock(sandbox.clock.now)
    return sandbox
