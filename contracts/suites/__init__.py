"""The suites, by name. Each module has DESCRIPTION and run(ctx)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..context import SuiteContext


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    module: str
    # Suites that talk to the registry, not to the CarOwner API.
    registry_only: bool = False
    package: str = __name__  # another API's suites live in contracts/apis/<name>/

    def load(self) -> tuple[str, Callable[[SuiteContext], None]]:
        # Imported on demand: a registry-only run does not pay for loading schemathesis.
        module = importlib.import_module(f"{self.package}.{self.module}")
        return module.DESCRIPTION, module.run


SUITES: dict[str, SuiteSpec] = {
    spec.name: spec
    for spec in (
        SuiteSpec("auth", "auth"),
        SuiteSpec("read-model", "read_model"),
        SuiteSpec("isolation", "isolation"),
        SuiteSpec("semantics", "semantics"),
        SuiteSpec("conformance", "conformance"),
        SuiteSpec("registry", "registry", registry_only=True),
        SuiteSpec("realtime", "realtime"),
    )
}
