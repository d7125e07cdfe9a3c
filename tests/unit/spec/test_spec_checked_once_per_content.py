"""The suite's memo of Connexion's spec check (tests/conftest.py) skips only what already passed."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from connexion.exceptions import InvalidSpecification
from connexion.spec import Specification

pytestmark = pytest.mark.filterwarnings(r"ignore:jsonschema\..* is deprecated:DeprecationWarning")

SPEC = yaml.safe_load((Path(__file__).resolve().parents[3] / "openapi.yaml").read_text(encoding="utf-8"))


def test_a_spec_that_passed_is_taken_again_and_a_broken_one_is_refused_every_time() -> None:
    assert Specification.from_dict(copy.deepcopy(SPEC))["info"] == SPEC["info"]
    assert Specification.from_dict(copy.deepcopy(SPEC))["info"] == SPEC["info"]
    broken = copy.deepcopy(SPEC)
    broken["info"]["version"] = 5  # the meta-schema wants a string
    for _ in range(2):
        with pytest.raises(InvalidSpecification):
            Specification.from_dict(copy.deepcopy(broken))


def test_a_change_after_a_spec_passed_is_checked_again() -> None:
    Specification.from_dict(copy.deepcopy(SPEC))
    changed = copy.deepcopy(SPEC)
    next(iter(changed["paths"].values()))["bogus"] = {"not": "an operation"}
    with pytest.raises(InvalidSpecification):
        Specification.from_dict(changed)
