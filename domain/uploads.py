"""Uploaded documents (上传文件): the kinds taken — a PDF, or a photo as JPEG or PNG — known by
their first bytes (magic numbers), never by the name or the type the browser sent."""

from __future__ import annotations

DOCUMENT_TYPES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def sniff_document(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG or PNG, from its first bytes; else None."""
    return next(((kind, ext) for magic, kind, ext in DOCUMENT_TYPES if data.startswith(magic)),
                None)  # fmt: skip
