"""Uploaded documents served back: only ever as a download, never shown in a page.

A document a user uploaded is someone else's content: a PDF or an image opened in
the browser under our origin could carry script or phishing. It is sent as an
attachment, its type stated and not to be guessed (``nosniff``), under a policy that
sandboxes whatever a browser might still render."""

from __future__ import annotations

from flask import Response

from maturity.core.uploads import DocumentKind
from maturity.extensions import talisman

# Nothing may load, run or be framed, should a browser display the file anyway.
SANDBOX_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'"

# The view's policy, which Flask-Talisman writes instead of the pages' policy.
sandboxed = talisman(content_security_policy=SANDBOX_POLICY)


def attachment(data: bytes, kind: DocumentKind, stem: str) -> Response:
    """The document as a download named ``stem`` with its kind's extension."""
    response = Response(data, mimetype=kind.media_type)
    response.headers["Content-Disposition"] = f"attachment; filename={stem}.{kind.extension}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response
