"""The registry page's examples are what the fake really answers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mock_server.packs.registry.service import RegistryService, svv_authorization
from tests.unit.docs.docs_helpers import project_pages

NOW = datetime(2026, 2, 12, 10, 0, tzinfo=UTC)


def _shown(name: str) -> Any:
    (endpoint,) = next(p for p in project_pages() if p.slug == "registry").endpoints
    return next(e.value for e in endpoint.operation.examples() if e.name == name)


def _is_part_of(shown: Any, real: Any, path: str = "") -> list[str]:
    """Where `shown` differs from `real`; dicts may leave keys out, everything else must be equal."""
    if isinstance(shown, dict) and isinstance(real, dict):
        return [
            d
            for k, v in shown.items()
            for d in ([f"{path}/{k} missing"] if k not in real else _is_part_of(v, real[k], f"{path}/{k}"))
        ]
    if isinstance(shown, list) and isinstance(real, list) and len(shown) == len(real):
        return [
            d
            for i, (s, r) in enumerate(zip(shown, real, strict=True))
            for d in _is_part_of(s, r, f"{path}/{i}")
        ]
    return [] if shown == real else [f"{path}: {shown!r} != {real!r}"]


def _lookup(plate: str) -> Any:
    answer = RegistryService().lookup(
        kjennemerke=plate,
        understellsnummer=None,
        authorization=svv_authorization("minbil-demo-apikey"),
        now=NOW,
    )
    assert answer.status == 200
    return answer.body


def test_abridged_ek39085_record_is_part_of_the_real_answer() -> None:
    differences = _is_part_of(_shown("EK39085"), _lookup("EK39085"))
    assert differences == []


def test_no_data_example_is_the_answer_for_an_unissued_series() -> None:
    assert _shown("noData") == _lookup("IO12345")
