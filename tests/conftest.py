"""Suite-wide settings."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from connexion.spec import Specification
from hypothesis import Phase, settings

# Two cores shared by two test workers: a slow example is load, not a bug. Timing is measured by
# benchmarks/, never asserted here. Every phase but `explain`, which only annotates the report of a
# failure that shrinking already made minimal, replaying it many times more to do so (the tests that
# expect a contract run to fail paid for it on every run: tens of seconds, against a server).
settings.register_profile(
    "minbil",
    deadline=None,
    print_blob=True,
    phases=[phase for phase in Phase if phase is not Phase.explain],
)
settings.load_profile("minbil")


def _remember_valid_specs() -> None:
    """Connexion checks a spec against the OpenAPI meta-schema every time an app is built: most of
    the cost of `create_app`, paid again by every test that builds a mock. The check is a pure
    function of the spec's content, so a spec whose exact content has passed it once passes it
    again; any other content (and every spec that fails) is still checked in full."""
    check = Specification._validate_spec.__func__  # type: ignore[attr-defined]
    passed: set[tuple[type, str]] = set()

    def validate_once(cls: type, spec: dict[str, Any]) -> None:
        content = json.dumps(spec, sort_keys=True, default=repr).encode()
        key = (cls, hashlib.sha256(content).hexdigest())
        if key in passed:
            return
        check(cls, spec)
        passed.add(key)

    Specification._validate_spec = classmethod(validate_once)  # type: ignore[method-assign,assignment]


_remember_valid_specs()
