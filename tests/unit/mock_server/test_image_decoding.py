"""Images are decoded whole: a valid first few bytes over anything else is no picture."""

from __future__ import annotations

import base64
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from mock_server.domain.errors import DomainError
from mock_server.domain.images import ImageUpload, image_type, parse_image_string
from tests.image_files import FORMATS, picture

MAGICS = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff\xe0",
    "image/webp": b"RIFF\x00\x10\x00\x00WEBPVP8 ",
}


def _refused(upload: ImageUpload) -> str:
    with pytest.raises(DomainError) as refused:
        image_type(upload)
    assert refused.value.code == "INVALID_IMAGE" and refused.value.field == "image"
    return refused.value.detail


@settings(max_examples=150, deadline=None)
@given(magic=st.sampled_from(sorted(MAGICS.values())), rest=st.binary(max_size=4096))
def test_random_bytes_behind_a_valid_magic_are_refused(magic: bytes, rest: bytes) -> None:
    _refused(ImageUpload(magic + rest))


@settings(max_examples=60, deadline=None)
@given(
    content_type=st.sampled_from(sorted(FORMATS)),
    width=st.integers(1, 40),
    height=st.integers(1, 40),
    seed=st.integers(0, 2**16),
)
def test_a_real_picture_of_each_allowed_format_is_what_it_is(
    content_type: str, width: int, height: int, seed: int
) -> None:
    content = picture(content_type, width, height, seed)
    assert image_type(ImageUpload(content)) == content_type
    assert image_type(ImageUpload(content, declared=content_type)) == content_type


def test_a_png_header_over_200_kb_of_noise_or_html_is_refused() -> None:
    noise = bytes((n * 7919 + 13) % 256 for n in range(200 * 1024))
    _refused(ImageUpload(MAGICS["image/png"] + noise))
    _refused(ImageUpload(MAGICS["image/png"] + b"<html><script>alert(1)</script></html>"))


def test_a_truncated_picture_is_refused() -> None:
    content = picture("image/png", 30, 30)
    _refused(ImageUpload(content[: len(content) // 2]))


def test_a_picture_that_is_not_what_it_claims_is_refused() -> None:
    detail = _refused(ImageUpload(picture("image/jpeg"), declared="image/png"))
    assert "image/png" in detail and "image/jpeg" in detail
    jpeg = base64.b64encode(picture("image/jpeg")).decode()
    jpeg_as_png = parse_image_string("data:image/png;base64," + jpeg)
    assert isinstance(jpeg_as_png, ImageUpload)
    _refused(jpeg_as_png)


def test_a_gif_is_refused_though_it_decodes() -> None:
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, "GIF")
    _refused(ImageUpload(out.getvalue()))
