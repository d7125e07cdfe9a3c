"""An uploaded image lives while a vehicle or a snapshot shows it; then its URL answers 404."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from mock_server.domain.limits import SandboxLimits
from mock_server.settings import Settings
from tests.image_files import picture
from tests.integration.controls.conftest import Controls, start_controls
from tests.postgres_support import STORES, state_store

PLATE = "CV12345"


def _data_uri(seed: int) -> str:
    return "data:image/png;base64," + base64.b64encode(picture("image/png", 3, 3, seed)).decode()


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _link_with_image(call, token: str, seed: int = 1) -> str:
    body = {"registration_number": PLATE, "image": _data_uri(seed)}
    answer = call("POST", "/api/co/vehicles", token, json=body)
    assert answer.status_code == 201, answer.text
    return _path(answer.json()["data"]["image_url"])


def _set_image(call, token: str, seed: int) -> str:
    answer = call("PUT", f"/api/co/vehicles/{PLATE}", token, json={"image": _data_uri(seed)})
    assert answer.status_code == 200, answer.text
    return _path(answer.json()["data"]["image_url"])


def test_a_replaced_image_is_freed_and_answers_404(controls: Controls) -> None:
    token, call = controls.new_sandbox(), controls.call
    old = _link_with_image(call, token)
    new = _set_image(call, token, 2)
    gone = controls.client.get(old)
    assert gone.status_code == 404 and gone.json()["code"] == "NOT_FOUND"
    assert controls.client.get(new).status_code == 200
    assert len(controls.world.images.all()) == 1


def test_an_image_removed_with_null_or_by_unlinking_is_freed(controls: Controls) -> None:
    token, call = controls.new_sandbox(), controls.call
    removed = _link_with_image(call, token)
    assert call("PUT", f"/api/co/vehicles/{PLATE}", token, json={"image": None}).status_code == 200
    assert controls.client.get(removed).status_code == 404
    unlinked = _set_image(call, token, 3)
    assert call("DELETE", f"/api/co/vehicles?reg={PLATE}", token).status_code == 200
    assert controls.client.get(unlinked).status_code == 404


def test_the_images_of_a_deleted_sandbox_are_freed(controls: Controls) -> None:
    token = controls.new_sandbox()
    url = _link_with_image(controls.call, token)
    controls.call("DELETE", "/__mock/sandbox", token)
    assert controls.client.get(url).status_code == 404


def test_a_reset_frees_the_images_uploaded_since(controls: Controls) -> None:
    token = controls.new_sandbox("one-car")
    url = _link_with_image(controls.call, token)
    controls.call("POST", "/__mock/sandbox/reset", token)
    assert controls.client.get(url).status_code == 404


def test_an_image_a_snapshot_shows_lives_until_the_snapshot_is_gone(controls: Controls) -> None:
    token = controls.new_sandbox()
    kept = _link_with_image(controls.call, token)
    controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "with-photo"})
    newer = _set_image(controls.call, token, 5)
    assert controls.client.get(kept).status_code == 200  # the snapshot still shows it
    restored = controls.call("POST", "/__mock/sandbox/snapshots/with-photo/restore", token)
    assert restored.status_code == 200
    assert controls.client.get(newer).status_code == 404  # shown by nothing any more
    shown = controls.call("GET", f"/api/co/vehicles?reg={PLATE}", token).json()["data"]["image_url"]
    assert _path(shown) == kept and controls.client.get(kept).status_code == 200
    _set_image(controls.call, token, 6)
    controls.call("DELETE", "/__mock/sandbox/snapshots/with-photo", token)
    assert controls.client.get(kept).status_code == 404


def test_restoring_a_snapshot_taken_before_an_upload_frees_it(controls: Controls) -> None:
    token = controls.new_sandbox()
    controls.call("POST", "/__mock/sandbox/snapshots", token, json={"name": "bare"})
    url = _link_with_image(controls.call, token)
    controls.call("POST", "/__mock/sandbox/snapshots/bare/restore", token)
    assert controls.client.get(url).status_code == 404


def test_the_images_of_an_expired_sandbox_are_freed() -> None:
    controls = start_controls(Settings(limits=SandboxLimits(idle_expiry_seconds=60)))
    with controls.client:
        token = controls.new_sandbox()
        url = _link_with_image(controls.call, token)
        controls.sandbox(token).last_used -= 120
        controls.new_sandbox()
        assert controls.client.get(url).status_code == 404


@pytest.mark.parametrize("kind", STORES)
def test_a_freed_image_leaves_the_state_store_too(kind: str, tmp_path: Path) -> None:
    with state_store(kind, tmp_path) as store:
        _a_freed_image_leaves(Settings(**store))


def _a_freed_image_leaves(settings: Settings) -> None:
    controls = start_controls(settings)
    with controls.client:
        token = controls.new_sandbox()
        old = _link_with_image(controls.call, token)
        new = _set_image(controls.call, token, 7)
    controls.world.state.close()
    again = start_controls(settings)
    with again.client:
        assert again.client.get(old).status_code == 404
        assert again.client.get(new).status_code == 200
        assert len(again.world.state.load_images()) == 1
    again.world.state.close()


def test_media_answers_tell_browsers_not_to_sniff(controls: Controls) -> None:
    token, call = controls.new_sandbox(), controls.call
    url = _link_with_image(call, token)
    assert controls.client.get(url).headers["x-content-type-options"] == "nosniff"
    missing = controls.client.get("/media/0123456789abcdef0123456789abcdef.png")
    assert missing.status_code == 404 and missing.headers["x-content-type-options"] == "nosniff"
