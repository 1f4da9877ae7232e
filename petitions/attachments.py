"""Attachments: the type is read from the content, never from the name."""

from __future__ import annotations

from django.utils.translation import gettext as _

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


def attachment_add(*, petition: Petition, upload, uploaded_by, public: bool) -> Attachment:
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
    stem = original.rsplit(".", 1)[0] or "file"
    attachment = Attachment(
        petition=petition,
        name=original,
        content_type=content_type,
        size=upload.size,
        public=public,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(f"{stem}{extension}", upload, save=False)
    attachment.save()
    return attachment
