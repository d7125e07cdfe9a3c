"""Vehicle images: sniffed by content (never by the declared type), size-capped, kept in memory."""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass

from .errors import DomainError
from .models import StoredImage

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MEDIA_PREFIX = "/media/"
_DATA_URI = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+)?(?P<params>(;[\w-]+=[\w.-]+)*)(?P<b64>;base64)?,(?P<data>.*)$", re.S)


@dataclass(frozen=True)
class ImageUpload:
    """Raw image bytes from a multipart part or a data URI."""

    content: bytes


@dataclass(frozen=True)
class ImageLink:
    """An image the client hosts elsewhere, given as an http(s) URL."""

    url: str


ImageInput = ImageUpload | ImageLink


def sniff_image_type(content: bytes) -> str | None:
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def parse_image_string(value: str) -> ImageInput:
    """A JSON `image` value: an http(s) URL or a base64 data URI."""
    if value.startswith(("http://", "https://")):
        return ImageLink(value)
    match = _DATA_URI.match(value)
    if not match or not match.group("b64"):
        raise DomainError(
            "INVALID_IMAGE",
            "image must be an http(s) URL or a base64 data URI (data:image/png;base64,...).",
            field="image",
        )
    try:
        content = base64.b64decode(match.group("data"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DomainError("INVALID_IMAGE", "image data URI is not valid base64.", field="image") from exc
    return ImageUpload(content)


class ImageStore:
    """Images by id. Ids are unguessable, so an image URL works in an <img> tag without a token."""

    def __init__(self) -> None:
        self._images: dict[str, StoredImage] = {}

    def accept(self, upload: ImageUpload) -> StoredImage:
        """Validate an upload and keep it; raises before anything is stored."""
        if len(upload.content) > MAX_IMAGE_BYTES:
            raise DomainError(
                "PAYLOAD_TOO_LARGE",
                f"image is {len(upload.content)} bytes; the limit is {MAX_IMAGE_BYTES} bytes.",
                field="image",
            )
        content_type = sniff_image_type(upload.content)
        if content_type is None:
            raise DomainError(
                "UNSUPPORTED_MEDIA_TYPE", "image must be a JPEG, PNG or WebP file.", field="image"
            )
        image = StoredImage(id=secrets.token_hex(16), content_type=content_type, content=upload.content)
        self._images[image.id] = image
        return image

    def get(self, filename: str) -> StoredImage | None:
        image = self._images.get(filename.split(".", 1)[0])
        if image is None or image.filename != filename:
            return None
        return image


def image_location(image_input: ImageInput | None, store: ImageStore) -> str | None:
    """Where the vehicle's image can be fetched: the client's URL, or our media path."""
    if image_input is None:
        return None
    if isinstance(image_input, ImageLink):
        return image_input.url
    return MEDIA_PREFIX + store.accept(image_input).filename
