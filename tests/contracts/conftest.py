"""The contract tests build the mock in-process; importing its framework warns outside our control."""

from __future__ import annotations

import warnings

from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # starlette.testclient finds httpx instead of httpx2, and connexion.json_schema uses
    # jsonschema's deprecated RefResolver: both on import, neither ours.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    import connexion  # noqa: F401
