"""The three specs, each parsed once per process, with libyaml where PyYAML has it.

Connexion's own loader is pure Python and takes about six times as long on our specs; handing
Connexion the parsed dict skips it. The route table, the 405 check and Connexion all read the same
documents, so each is parsed once and shared: read them, never change them (Connexion copies what
it is given before resolving references)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_LOADER)
    return document
