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
# The spec's ImageReference pattern (a test keeps them equal): a URL that is a valid URI, or
# well-formed base64 of a JPEG, PNG or WebP data URI.
IMAGE_REFERENCE = re.compile(
    r"^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?"
    r"|data:image/(jpeg|png|webp);base64,([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4}))$"
)


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
    if not IMAGE_REFERENCE.match(value):
        raise DomainError(
            "INVALID_IMAGE",
            "image must be an http(s) URL or a base64 data URI (data:image/png;base64,...).",
            field="image",
        )
    if value.startswith(("http://", "https://")):
        return ImageLink(value)
    try:
        return ImageUpload(base64.b64decode(value.split(",", 1)[1], validate=True))
    except (binascii.Error, ValueError) as exc:
        raise DomainError("INVALID_IMAGE", "image data URI is not valid base64.", field="image") from exc


class ImageStore:
    """Images by id. Ids are unguessable, so an image URL works in an <img> tag without a token."""

    def __init__(self) -> None:
        self._images: dict[str, StoredImage] = {}

    def accept(self, upload: ImageUpload) -> StoredImage:
        """Validate an upload and keep it; raises before anything is stored."""
        if len(upload.content) > MAX_IMAGE_BYTES:
            raise DomainError(
                "INVALID_IMAGE",
                f"image is {len(upload.content)} bytes; the limit is {MAX_IMAGE_BYTES} bytes.",
                field="image",
            )
        content_type = sniff_image_type(upload.content)
        if content_type is None:
            raise DomainError("INVALID_IMAGE", "image must be a JPEG, PNG or WebP picture.", field="image")
        image = StoredImage(id=secrets.token_hex(16), content_type=content_type, content=upload.content)
        self._images[image.id] = image
        return image

    def put(self, image: StoredImage) -> None:
        """Keep an image accepted earlier (restored from the state file)."""
        self._images[image.id] = image

    def all(self) -> list[StoredImage]:
        return list(self._images.values())

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
