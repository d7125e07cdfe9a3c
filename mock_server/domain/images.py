"""Vehicle images: decoded to prove they are what they claim (never trusted by their first bytes
or declared type), size-capped, kept in memory while something refers to them."""

from __future__ import annotations

import base64
import binascii
import io
import re
import secrets
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from .errors import DomainError
from .limits import StorageBudget


@dataclass(frozen=True)
class StoredImage:
    """An uploaded vehicle image, served back at /media/<id>.<ext>."""

    id: str
    content_type: str
    content: bytes

    @property
    def filename(self) -> str:
        ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[self.content_type]
        return f"{self.id}.{ext}"


MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Decoding takes width x height x 4 bytes for a moment: 40 megapixels (160 MB) is more than any
# phone photo keeps and bounds what a small crafted file may ask of the mock.
MAX_IMAGE_PIXELS = 40_000_000
# Pillow's format name for each content type the API accepts.
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MEDIA_PREFIX = "/media/"
# The spec's ImageReference pattern (a test keeps them equal): a URL that is a valid URI (a `%` only
# before two hex digits), or well-formed base64 of a JPEG, PNG or WebP data URI.
IMAGE_REFERENCE = re.compile(
    r"^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?"
    r"(/([A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*)?(\?([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?"
    r"|data:image/(jpeg|png|webp);base64,([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4}))$"
)


@dataclass(frozen=True)
class ImageUpload:
    """Raw image bytes from a multipart part or a data URI, with the type the client claimed
    (the data URI's or the part's Content-Type; None when it claimed none of the image types)."""

    content: bytes
    declared: str | None = None


@dataclass(frozen=True)
class ImageLink:
    """An image the client hosts elsewhere, given as an http(s) URL."""

    url: str


ImageInput = ImageUpload | ImageLink


def image_type(upload: ImageUpload) -> str:
    """The content type of an upload that decodes as a whole as the JPEG, PNG or WebP it claims to
    be; INVALID_IMAGE otherwise. CPU-bound: handlers call it in a worker thread."""
    if len(upload.content) > MAX_IMAGE_BYTES:
        raise DomainError(
            "INVALID_IMAGE",
            f"image is {len(upload.content)} bytes; the limit is {MAX_IMAGE_BYTES} bytes.",
            field="image",
        )
    content_type = _decoded_type(upload.content)
    if upload.declared is not None and upload.declared != content_type:
        raise DomainError(
            "INVALID_IMAGE", f"image is declared {upload.declared} but is {content_type}.", field="image"
        )
    return content_type


def _decoded_type(content: bytes) -> str:
    refused = DomainError("INVALID_IMAGE", "image must be a JPEG, PNG or WebP picture.", field="image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=list(FORMATS.values())) as picture:
                width, height = picture.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise DomainError(
                        "INVALID_IMAGE",
                        f"image is {width}x{height} pixels; the limit is {MAX_IMAGE_PIXELS:,} pixels.",
                        field="image",
                    )
                content_type = Image.MIME[picture.format]
                picture.load()  # every byte decoded: a valid header over garbage is refused here
    except DomainError:
        raise
    except UnidentifiedImageError as exc:
        raise refused from exc
    except Exception as exc:
        raise DomainError(
            "INVALID_IMAGE", f"image does not decode as the picture it claims to be ({exc}).", field="image"
        ) from exc
    if content_type not in FORMATS:
        raise refused
    return content_type


def declared_type(value: str | None) -> str | None:
    """The image type a client claimed, if it claimed one of ours (application/octet-stream: none)."""
    if value is None:
        return None
    value = value.split(";", 1)[0].strip().lower()
    return "image/jpeg" if value == "image/jpg" else value if value.startswith("image/") else None


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
        header, data = value.split(",", 1)
        return ImageUpload(base64.b64decode(data, validate=True), header[len("data:") : -len(";base64")])
    except (binascii.Error, ValueError) as exc:
        raise DomainError("INVALID_IMAGE", "image data URI is not valid base64.", field="image") from exc


@dataclass(frozen=True)
class CheckedImage:
    """An upload that decoded as `content_type` (image_type said so)."""

    content: bytes
    content_type: str


class ImageStore:
    """Images by id. Ids are unguessable, so an image URL works in an <img> tag without a token.

    An image is kept while a sandbox's vehicle or one of its snapshots refers to it (`referenced`,
    wired by app.py); `collect` forgets the rest, so their URLs answer 404."""

    def __init__(
        self,
        budget: StorageBudget | None = None,
        referenced: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        self._images: dict[str, StoredImage] = {}
        self._budget = budget
        self._referenced = referenced
        # With a store shared by several processes: an image another process stored, by id.
        self.on_miss: Callable[[str], StoredImage | None] | None = None
        if budget is not None:
            budget.count(self.stored_bytes)

    def accept(self, upload: ImageUpload | CheckedImage) -> StoredImage:
        """Validate an upload (unless checked already) and keep it; raises before anything is stored."""
        content_type = upload.content_type if isinstance(upload, CheckedImage) else image_type(upload)
        if self._budget is not None:
            self._budget.check(len(upload.content), "this image", code="PAYLOAD_TOO_LARGE")
        image = StoredImage(id=secrets.token_hex(16), content_type=content_type, content=upload.content)
        self._images[image.id] = image
        return image

    def put(self, image: StoredImage) -> None:
        """Keep an image accepted earlier (restored from the state file)."""
        self._images[image.id] = image

    def fetch(self, image_id: str) -> StoredImage | None:
        """The image of `image_id`, brought from the shared store when it is not held here."""
        image = self._images.get(image_id)
        if image is None and self.on_miss is not None:
            image = self.on_miss(image_id)
            if image is not None:
                self._images[image.id] = image
        return image

    def all(self) -> list[StoredImage]:
        return list(self._images.values())

    def stored_bytes(self) -> int:
        return sum(len(image.content) for image in self._images.values())

    def get(self, filename: str) -> StoredImage | None:
        image = self._images.get(filename.split(".", 1)[0])
        if image is None and self.on_miss is not None:
            image = self.fetch(filename.split(".", 1)[0])
        if image is None or image.filename != filename:
            return None
        return image

    def collect(self) -> list[str]:
        """Forget every image nothing refers to any more; their ids."""
        if not self._images or self._referenced is None:  # None: no one to ask, keep them all
            return []
        kept = set(self._referenced())
        gone = [image_id for image_id in self._images if image_id not in kept]
        for image_id in gone:
            del self._images[image_id]
        return gone


def image_id(location: str | None) -> str | None:
    """The id of one of our images in an image_url ("/media/<id>.png"); None for a client's URL."""
    if location is None or not location.startswith(MEDIA_PREFIX):
        return None
    return location[len(MEDIA_PREFIX) :].split(".", 1)[0]


def image_location(image_input: ImageInput | CheckedImage | None, store: ImageStore) -> str | None:
    """Where the vehicle's image can be fetched: the client's URL, or our media path."""
    if image_input is None:
        return None
    if isinstance(image_input, ImageLink):
        return image_input.url
    return MEDIA_PREFIX + store.accept(image_input).filename
