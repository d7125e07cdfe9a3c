"""Which operation a request is for, decided from the specs before Connexion routes it.

Middleware placed before routing (fault injection, the request journal) needs the operationId of a
request; this table answers it the way a reader of the spec would: a literal path
(`/api/co/vehicles/set-primary`) wins over a template (`/api/co/vehicles/{reg}`) that also matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})
_PLACEHOLDER = re.compile(r"\{([^/}]+)\}")


@dataclass(frozen=True)
class Route:
    method: str  # upper case
    template: str  # with the base path, e.g. /api/co/vehicles/{reg}
    operation_id: str
    pattern: re.Pattern[str]


def template_pattern(template: str) -> re.Pattern[str]:
    """`/vehicles/{reg}` -> a pattern matching whole paths, each placeholder a named group (`reg`)
    where its name can be one; a placeholder matches one path segment."""
    pattern: list[str] = []
    named: set[str] = set()
    end = 0
    for match in _PLACEHOLDER.finditer(template):
        name = match.group(1)
        group = f"(?P<{name}>[^/]+)" if name.isidentifier() and name not in named else "[^/]+"
        named.add(name)
        pattern += [re.escape(template[end : match.start()]), group]
        end = match.end()
    pattern.append(re.escape(template[end:]))
    return re.compile("^" + "".join(pattern) + "$")


class RouteTable:
    def __init__(self, routes: Iterable[Route]) -> None:
        # Literal paths first, then templates with more literal text first.
        self._routes = sorted(routes, key=lambda r: ("{" in r.template, -len(r.pattern.pattern)))
        self.operation_ids = frozenset(route.operation_id for route in self._routes)

    @classmethod
    def from_specs(cls, specs: Iterable[tuple[Mapping[str, Any], str]]) -> RouteTable:
        """From (OpenAPI document, base path) pairs."""
        routes = []
        for spec, base_path in specs:
            for path, item in spec.get("paths", {}).items():
                for method, operation in item.items():
                    if method in HTTP_METHODS and "operationId" in operation:
                        template = base_path + path
                        routes.append(
                            Route(
                                method.upper(), template, operation["operationId"], template_pattern(template)
                            )
                        )
        return cls(routes)

    def find(self, method: str, path: str) -> Route | None:
        return next((r for r in self._routes if r.method == method and r.pattern.match(path)), None)

    def operation(self, method: str, path: str) -> str | None:
        route = self.find(method, path)
        return route.operation_id if route else None
