"""What an uploaded document is, read from its content, never from its name.

A file's name and the type the browser sends are whatever the uploader chose; the
first bytes of a PDF, a PNG or a JPEG, and the parts an Office Open XML package must
hold, are not. A file that is none of the kinds asked for is refused, whatever it is
called."""

from __future__ import annotations

import enum
import io
import zipfile
from collections.abc import Collection


class DocumentKind(enum.StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    XLSX = "xlsx"
    DOCX = "docx"
    PPTX = "pptx"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        return "jpg" if self is DocumentKind.JPEG else self.value


MEDIA_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.PNG: "image/png",
    DocumentKind.JPEG: "image/jpeg",
    DocumentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DocumentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# The part that makes an Office Open XML package a workbook, a document or a deck.
_OFFICE_MAIN_PART = {
    DocumentKind.XLSX: "xl/workbook.xml",
    DocumentKind.DOCX: "word/document.xml",
    DocumentKind.PPTX: "ppt/presentation.xml",
}
IMAGES_AND_PDF = frozenset({DocumentKind.PDF, DocumentKind.PNG, DocumentKind.JPEG})
EVERY_KIND = frozenset(DocumentKind)


def document_kind(data: bytes) -> DocumentKind | None:
    """The kind of document the bytes are, or None when they are none of ours."""
    if data.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentKind.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return DocumentKind.JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> DocumentKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for kind, part in _OFFICE_MAIN_PART.items():
        if part in names:
            return kind
    return None


def accepted_kind(data: bytes, accepted: Collection[DocumentKind]) -> DocumentKind | None:
    """The document's kind if it is one of those accepted, else None."""
    kind = document_kind(data)
    return kind if kind in accepted else None
