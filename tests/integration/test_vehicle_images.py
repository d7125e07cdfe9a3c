"""Vehicle images: JSON (URL or data URI) and multipart uploads, sniffed, capped, served back."""

from __future__ import annotations

import base64

from .conftest import Mock

# The smallest valid PNG: 1x1 pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


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
