"""Attachments: the type is read from the content, never from the name."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from petitions.errors import InvalidInput
from petitions.models import Attachment, Petition

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


MAX_SIDE = 2560  # pixels; phones shrink to 1600 before sending, this catches the rest
# What a photo may claim in its header before anything is decoded: a 40-megapixel camera is
# the largest a resident carries; a PNG of 13,300 × 13,300 pixels fits in 700 KB and would take
# gigabytes to decode. Decoded, a photo at the limit is at most MAX_DECODED_BYTES.
MAX_PIXELS = 40_000_000
MAX_DIMENSION = 16_000
MAX_DECODED_BYTES = MAX_PIXELS * 4
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, for any other path that opens an image
BYTES_PER_BAND = {"1": 1, "L": 1, "P": 1, "I": 4, "F": 4, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}


def _decoded_bytes(image: Image.Image) -> int:
    width, height = image.size
    return width * height * len(image.getbands()) * BYTES_PER_BAND.get(image.mode, 1)


def _check_size(image: Image.Image) -> None:
    """Refuse an image by the size its header claims, before a single pixel is decoded."""
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_DIMENSION or _decoded_bytes(image) > MAX_DECODED_BYTES:
        raise InvalidInput(_too_large())


def _too_large() -> str:
    return _("This photo has too many pixels. A photo may have at most %(megapixels)s megapixels.") % {
        "megapixels": MAX_PIXELS // 1_000_000
    }


def clean_image(upload, content_type: str, *, keep_metadata: bool) -> ContentFile:
    """Re-encode a photo: turned upright, at most MAX_SIDE pixels, and without its EXIF block
    (GPS position, phone model, time) unless the uploader keeps it on purpose. Re-encoding
    also drops anything hidden after the image data."""
    try:
        with Image.open(upload) as image:
            _check_size(image)
            if image.format == "JPEG":
                image.draft(image.mode, (MAX_SIDE, MAX_SIDE))  # decoded at 1/2 … 1/8 scale: less memory
            image.load()
            exif = image.info.get("exif") if keep_metadata else None
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 85, "optimize": True} if fmt in ("JPEG", "WEBP") else {"optimize": True}
            if exif:
                options["exif"] = exif
            image.save(out, fmt, **options)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidInput(_too_large()) from exc
    except (OSError, ValueError) as exc:
        raise InvalidInput(_("This photo cannot be read.")) from exc
    return ContentFile(out.getvalue())


def attachment_add(*, petition: Petition, upload, uploaded_by, public: bool, keep_metadata: bool = False) -> Attachment:
    """Store one uploaded photo or PDF. Call inside the transaction that owns the petition."""
    if upload.size > MAX_BYTES:
        raise InvalidInput(_("A file may be at most 10 MB."))
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise InvalidInput(_("Only photos (JPEG, PNG, WebP) and PDF files can be attached."))
    content_type, extension = kind
    original = (upload.name or "file").rsplit("/", 1)[-1][:80]
    content = (
        upload if content_type == "application/pdf" else clean_image(upload, content_type, keep_metadata=keep_metadata)
    )
    stem = original.rsplit(".", 1)[0] or "file"
    attachment = Attachment(
        petition=petition,
        name=original,
        content_type=content_type,
        size=content.size,
        public=public,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(f"{stem}{extension}", content, save=False)
    attachment.save()
    return attachment
