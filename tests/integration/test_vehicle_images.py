"""Vehicle images: JSON (URL or data URI) and multipart uploads, sniffed, capped, served back."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.domain.limits import SandboxLimits
from mock_server.settings import Settings
from tests.image_files import FORMATS, picture

from .conftest import Mock, start_mock

# The smallest valid PNG: 1x1 pixel (the spec's example).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
JPEG = picture("image/jpeg", 8, 6)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_a_data_uri_image_is_stored_and_served_back_by_url(mock: Mock) -> None:
    token = mock.new_sandbox()
    data_uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    linked = mock.post("/api/co/vehicles", token, json={"registration_number": "CV12345", "image": data_uri})
    url = linked.json()["data"]["image_url"]
    served = mock.client.get(_path(url))
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png" and served.content == PNG


def test_a_multipart_upload_in_the_file_part_replaces_the_image(mock: Mock) -> None:
    token = mock.new_sandbox()
    mock.post("/api/co/vehicles", token, json={"registration_number": "CV12345"})
    answer = mock.put("/api/co/vehicles/CV12345", token, files={"file": ("bil.jpg", JPEG, "image/jpeg")})
    assert answer.status_code == 200
    assert mock.client.get(_path(answer.json()["data"]["image_url"])).content == JPEG


def test_a_multipart_link_takes_the_image_part_and_form_fields(mock: Mock) -> None:
    token = mock.new_sandbox()
    answer = mock.post(
        "/api/co/vehicles",
        token,
        data={"registration_number": "dn 54321", "nickname": "Hytta"},
        files={"image": ("bil.png", PNG, "image/png")},
    )
    data = answer.json()["data"]
    assert answer.status_code == 201
    assert (data["registration_number"], data["nickname"]) == ("DN54321", "Hytta")
    assert data["image_url"].endswith(".png")


def test_an_http_image_url_is_kept_as_given(mock: Mock) -> None:
    token = mock.new_sandbox()
    url = "https://bilder.minbil.no/kari/golf-sommer.jpg"
    answer = mock.post("/api/co/vehicles", token, json={"registration_number": "CV12345", "image": url})
    assert answer.json()["data"]["image_url"] == url


def test_bytes_that_are_not_an_image_are_refused_and_nothing_changes(mock: Mock) -> None:
    token = mock.new_sandbox()
    before = mock.post("/api/co/vehicles", token, json={"registration_number": "CV12345", "nickname": "A"})
    answer = mock.put(
        "/api/co/vehicles/CV12345",
        token,
        data={"nickname": "B"},
        files={"file": ("virus.jpg", b"MZ\x90\x00 not an image", "image/jpeg")},
    )
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_IMAGE")
    assert mock.get("/api/co/vehicles?reg=CV12345", token).json()["data"] == before.json()["data"]


def test_an_image_over_5_mib_is_refused_and_nothing_changes(mock: Mock) -> None:
    token = mock.new_sandbox()
    mock.post("/api/co/vehicles", token, json={"registration_number": "CV12345"})
    big = PNG + b"\x00" * (5 * 1024 * 1024)
    answer = mock.put("/api/co/vehicles/CV12345", token, files={"file": ("big.png", big, "image/png")})
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_IMAGE")
    assert mock.get("/api/co/vehicles?reg=CV12345", token).json()["data"]["image_url"] is None


def test_a_photo_in_both_file_and_image_parts_is_refused(mock: Mock) -> None:
    token = mock.new_sandbox()
    mock.post("/api/co/vehicles", token, json={"registration_number": "CV12345"})
    answer = mock.put(
        "/api/co/vehicles/CV12345",
        token,
        files={"file": ("a.png", PNG, "image/png"), "image": ("b.png", PNG, "image/png")},
    )
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_IMAGE")


def test_a_body_over_the_request_limit_is_refused_before_parsing(mock: Mock) -> None:
    answer = mock.put(
        "/api/co/vehicles/BT57225",
        content=b"x" * (9 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert (answer.status_code, answer.json()["code"]) == (413, "PAYLOAD_TOO_LARGE")


def test_a_malformed_data_uri_is_a_400_invalid_image(mock: Mock) -> None:
    token = mock.new_sandbox()
    mock.post("/api/co/vehicles", token, json={"registration_number": "CV12345"})
    answer = mock.put("/api/co/vehicles/CV12345", token, json={"image": "data:image/png;base64,@@@"})
    assert answer.status_code == 400 and answer.json()["code"] in {"VALIDATION_FAILED", "INVALID_IMAGE"}


def test_unknown_media_is_404_problem(mock: Mock) -> None:
    answer = mock.client.get("/media/0123456789abcdef0123456789abcdef.png")
    assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND")


@pytest.fixture(scope="module")
def uploads() -> Iterator[tuple[Mock, str]]:
    started = start_mock()
    with started.client:
        token = started.new_sandbox()
        started.post("/api/co/vehicles", token, json={"registration_number": "CV12345"})
        yield started, token


@settings(max_examples=40, deadline=None)
@given(
    magic=st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"RIFF\x00\x10\x00\x00WEBPVP8 "]),
    rest=st.binary(min_size=0, max_size=2048),
)
def test_random_bytes_behind_a_valid_magic_are_refused_over_http(
    uploads: tuple[Mock, str], magic: bytes, rest: bytes
) -> None:
    mock, token = uploads
    answer = mock.put("/api/co/vehicles/CV12345", token, files={"file": ("bil", magic + rest, "image/png")})
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_IMAGE")


@settings(max_examples=30, deadline=None)
@given(
    content_type=st.sampled_from(sorted(FORMATS)),
    size=st.tuples(st.integers(1, 32), st.integers(1, 32)),
    seed=st.integers(0, 2**16),
    as_data_uri=st.booleans(),
)
def test_a_real_picture_of_each_format_is_served_back_byte_for_byte(
    uploads: tuple[Mock, str], content_type: str, size: tuple[int, int], seed: int, as_data_uri: bool
) -> None:
    mock, token = uploads
    content = picture(content_type, *size, seed=seed)
    if as_data_uri:
        data_uri = f"data:{content_type};base64," + base64.b64encode(content).decode()
        answer = mock.put("/api/co/vehicles/CV12345", token, json={"image": data_uri})
    else:
        answer = mock.put("/api/co/vehicles/CV12345", token, files={"file": ("bil", content, content_type)})
    assert answer.status_code == 200, answer.text
    served = mock.client.get(_path(answer.json()["data"]["image_url"]))
    assert served.status_code == 200 and served.content == content
    assert served.headers["content-type"] == content_type
    assert served.headers["x-content-type-options"] == "nosniff"


def test_html_behind_a_png_header_is_refused(mock: Mock) -> None:
    token = mock.new_sandbox()
    mock.post("/api/co/vehicles", token, json={"registration_number": "CV12345"})
    html = b"\x89PNG\r\n\x1a\n<html><body><script>alert(document.cookie)</script></body></html>"
    answer = mock.put("/api/co/vehicles/CV12345", token, files={"file": ("x.png", html, "image/png")})
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_IMAGE")
    assert mock.world.images.all() == []


def test_an_image_past_the_storage_budget_is_refused_with_413_and_nothing_is_kept() -> None:
    started = start_mock(Settings(demo=False, limits=SandboxLimits(storage_budget_bytes=1000)))
    with started.client:
        token = started.new_sandbox()
        started.post("/api/co/vehicles", token, json={"registration_number": "CV12345"})
        big = picture("image/png", 40, 40)
        answer = started.put("/api/co/vehicles/CV12345", token, files={"file": ("big.png", big, "image/png")})
        assert (answer.status_code, answer.json()["code"]) == (413, "PAYLOAD_TOO_LARGE")
        assert "--storage-budget-mb" in answer.json()["detail"] and started.world.images.all() == []
