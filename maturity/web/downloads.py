"""Uploaded documents served back: only ever as a download, never shown in a page.

A document a user uploaded is someone else's content: a PDF or an image opened in
the browser under our origin could carry script or phishing. It is sent as an
attachment, its type stated and not to be guessed (``nosniff``), under a policy that
sandboxes whatever a browser might still render."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from maturity.core.uploads import DocumentKind
from maturity.extensions import talisman
from maturity.models import EvidenceFile, User
from maturity.services import evidence

# Nothing may load, run or be framed, should a browser display the file anyway.
SANDBOX_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'"

# The view's policy, which Flask-Talisman writes instead of the pages' policy.
sandboxed = talisman(content_security_policy=SANDBOX_POLICY)


def attachment(
    data: bytes, kind: DocumentKind, stem: str, display_name: str | None = None
) -> Response:
    """The document as a download named ``stem`` with its kind's extension (an ASCII
    name every browser takes), or by ``display_name`` (the name it was uploaded
    under, any script, RFC 6266) where the browser reads that."""
    response = Response(data, mimetype=kind.media_type)
    disposition = f"attachment; filename={stem}.{kind.extension}"
    if display_name:
        disposition += f"; filename*=UTF-8''{quote(display_name, safe='')}"
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


def evidence_download(row: EvidenceFile, reader: User) -> Response:
    """An evidence file as its download (the read audited), for pages and the API."""
    with evidence.open_file(row, reader) as handle:
        data = handle.read()
    return attachment(data, DocumentKind(row.kind), f"evidence-{row.id}", row.original_name)
