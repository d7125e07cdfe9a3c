"""Whether a stateful step really carried the values its link names.

schemathesis's stateful phase sometimes sends a generated parameter or body instead of the value a
link extracts from the previous answer (the step is then recorded as "transition not applied"). A
404 to such a request says nothing about the resource the previous step created, so a check that
reads it as "the created resource is missing" would fail a correct server. Those failures are
dismissed, with the reason shown in the run's progress; a step that carried the link's values
still fails as before.
"""

from __future__ import annotations

from typing import Any

# Checks whose verdict is only meaningful when the step used its link's values.
LINK_DEPENDENT_CHECKS = frozenset({"ensure_resource_availability"})


def unfollowed_link(recorder: Any, case_id: str) -> str | None:
    """Why the step `case_id` did not follow its link, or None when it did (or was no link step)."""
    node = getattr(recorder, "cases", {}).get(case_id)
    transition = getattr(node, "transition", None)
    if node is None or transition is None:
        return None
    if not getattr(node, "is_transition_applied", True):
        return f"the request did not use the values of link {transition.id} (generated data was sent)"
    case = node.value
    for container, extracted in (getattr(transition, "parameters", None) or {}).items():
        sent = getattr(case, container, None) or {}
        for name, parameter in extracted.items():
            wanted = _extracted(parameter)
            if wanted is not _MISSING and sent.get(name) != wanted:
                return f"{name}={sent.get(name)!r} was sent, link {transition.id} gives {wanted!r}"
    body = getattr(transition, "request_body", None)
    if body is not None:
        wanted = _extracted(body)
        if wanted is not _MISSING and not _body_carries(case.body, wanted):
            return f"the request body was not the one link {transition.id} gives"
    return None


_MISSING = object()


def _extracted(parameter: Any) -> Any:
    value = getattr(parameter, "value", None)
    ok = getattr(value, "ok", None)
    return ok() if callable(ok) else _MISSING


def _body_carries(body: Any, wanted: Any) -> bool:
    """A link's requestBody may name the whole body or some of its fields."""
    if isinstance(wanted, dict) and isinstance(body, dict):
        return all(body.get(key) == value for key, value in wanted.items())
    return body == wanted
