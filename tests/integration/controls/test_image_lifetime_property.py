"""Whatever a client does, the mock keeps exactly the images a vehicle or a snapshot shows."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.domain.sandboxes import image_ids_in_use
from tests.image_files import picture
from tests.integration.controls.conftest import Controls

PLATES = ("CV12345", "DN54321")


def _upload(seed: int) -> dict[str, str]:
    return {"image": "data:image/png;base64," + base64.b64encode(picture("image/png", 2, 2, seed)).decode()}


STEPS = st.one_of(
    st.tuples(st.just("link"), st.sampled_from(PLATES), st.integers(0, 999)),
    st.tuples(st.just("image"), st.sampled_from(PLATES), st.integers(0, 999)),
    st.tuples(st.just("no-image"), st.sampled_from(PLATES), st.just(0)),
    st.tuples(st.just("unlink"), st.sampled_from(PLATES), st.just(0)),
    st.tuples(st.just("snapshot"), st.sampled_from(("a", "b")), st.just(0)),
    st.tuples(st.just("restore"), st.sampled_from(("a", "b")), st.just(0)),
    st.tuples(st.just("forget"), st.sampled_from(("a", "b")), st.just(0)),
    st.tuples(st.just("reset"), st.just(""), st.just(0)),
)


def _do(controls: Controls, token: str, step: tuple[str, str, int]) -> str | None:
    """Take the step; the media path of an image it uploaded."""
    kind, name, seed = step
    call = controls.call
    answer = None
    if kind == "link":
        answer = call("POST", "/api/co/vehicles", token, json={"registration_number": name, **_upload(seed)})
    elif kind == "image":
        answer = call("PUT", f"/api/co/vehicles/{name}", token, json=_upload(seed))
    elif kind == "no-image":
        call("PUT", f"/api/co/vehicles/{name}", token, json={"image": None})
    elif kind == "unlink":
        call("DELETE", f"/api/co/vehicles?reg={name}", token)
    elif kind == "snapshot":
        call("POST", "/__mock/sandbox/snapshots", token, json={"name": name})
    elif kind == "restore":
        call("POST", f"/__mock/sandbox/snapshots/{name}/restore", token)
    elif kind == "forget":
        call("DELETE", f"/__mock/sandbox/snapshots/{name}", token)
    else:
        call("POST", "/__mock/sandbox/reset", token)
    if answer is None or answer.status_code not in (200, 201):
        return None
    shown = answer.json()["data"]["image_url"]  # None: a re-link answers the link unchanged, without one
    return None if shown is None else "/" + shown.split("/", 3)[3]


@settings(max_examples=25, deadline=None)
@given(steps=st.lists(STEPS, min_size=1, max_size=12), delete_at_end=st.booleans())
def test_the_images_kept_are_exactly_those_shown(
    shared_controls: Controls, steps: list[tuple[str, str, int]], delete_at_end: bool
) -> None:
    controls = shared_controls
    token = controls.new_sandbox()
    uploaded = [path for path in (_do(controls, token, step) for step in steps) if path is not None]
    if delete_at_end:
        controls.call("DELETE", "/__mock/sandbox", token)
    shown = image_ids_in_use(controls.world.sandboxes)
    assert {image.id for image in controls.world.images.all()} == shown
    for path in uploaded:  # each uploaded URL answers while something shows it, 404 after
        expected = 200 if path.removeprefix("/media/").split(".")[0] in shown else 404
        assert controls.client.get(path).status_code == expected, path
