"""Per-request choices on the CarOwner API, like Prism's: `Prefer: code=404`, `example=<name>`,
`dynamic=true`. See middleware.py for where they are answered and why there."""

from .documented import DocumentedResponses
from .header import Preference, PreferError, parse_prefer
from .middleware import PreferMiddleware

__all__ = ["DocumentedResponses", "PreferError", "PreferMiddleware", "Preference", "parse_prefer"]
