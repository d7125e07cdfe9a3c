"""YAML documents (the three specs) parsed with libyaml where PyYAML has it.

Connexion's own loader is pure Python and takes about six times as long on our specs, which is most of
what start-up spends on them; handing Connexion the parsed dict skips it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_LOADER)
    return document
