"""The parsed specs are shared by every app in a process, so building and using one must not edit them."""

from __future__ import annotations

import yaml

from mock_server.app import create_app
from mock_server.control.api import SPEC_PATH as CONTROL_SPEC
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.packs.registry.api import ENKELTOPPSLAG_PATH
from mock_server.packs.registry.api import SPEC_PATH as REGISTRY_SPEC
from mock_server.settings import SPEC_PATH as CAROWNER_SPEC
from mock_server.settings import Settings
from mock_server.yaml_files import load_yaml

SPECS = (CAROWNER_SPEC, REGISTRY_SPEC, CONTROL_SPEC)


def test_each_spec_is_parsed_once_and_left_as_written() -> None:
    world, _ = build_seeded_world(Settings())
    client = create_app(Settings(), world).test_client()
    assert client.get("/api/co/vehicles", headers={"Authorization": "Bearer demo-kari"}).status_code == 200
    assert client.get(ENKELTOPPSLAG_PATH, params={"kjennemerke": "EK39085"}).status_code == 403
    assert client.post("/__mock/sandboxes", json={}).status_code == 201
    create_app(Settings())
    for path in SPECS:
        assert load_yaml(path) is load_yaml(path)
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))
