"""A centre's branding on the reports of its organisations: contact and logo.

An uploaded logo is never stored as uploaded: it must decode as a PNG or JPEG image of
sensible size and is re-encoded as a small PNG, so that what reaches a PDF is plain
pixels (no metadata, no script, no second file hidden behind the first).
"""

from __future__ import annotations

import io

from maturity.core.refusals import Refusal, Refused
from maturity.core.report import CentreBranding
from maturity.extensions import db
from maturity.models import Centre, User
from maturity.services.audit import record

MAX_CONTACT = 300
MAX_UPLOAD = 2 * 1024 * 1024  # bytes
MAX_PIXELS = 25_000_000  # refused before decoding: no decompression bombs
LOGO_BOX = (600, 240)  # the stored logo fits in this many pixels


class BrandingRefused(Refused):
    """contact_too_long, logo_too_large (each with its ``limit``), not_an_image,
    image_too_large."""


def normalised_logo(upload: bytes) -> bytes:
    """The upload as a PNG of at most LOGO_BOX pixels, or BrandingRefused."""
    from PIL import Image, UnidentifiedImageError

    if len(upload) > MAX_UPLOAD:
        raise BrandingRefused(Refusal.LOGO_TOO_LARGE, limit=MAX_UPLOAD)
    try:
        # Pillow refuses a header claiming over twice its MAX_IMAGE_PIXELS at once.
        with Image.open(io.BytesIO(upload)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise BrandingRefused(Refusal.NOT_AN_IMAGE)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise BrandingRefused(Refusal.IMAGE_TOO_LARGE)
            image.load()
            converted = image.convert("RGBA")
    except Image.DecompressionBombError as error:
        raise BrandingRefused(Refusal.IMAGE_TOO_LARGE) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, BrandingRefused):
            raise
        raise BrandingRefused(Refusal.NOT_AN_IMAGE) from error
    converted.thumbnail(LOGO_BOX)
    output = io.BytesIO()
    converted.save(output, format="PNG", optimize=True)
    return output.getvalue()


def save_branding(
    centre: Centre, contact: str, logo: bytes | None, remove_logo: bool, user: User
) -> None:
    """Store the contact and, if given, the logo (refused whole: nothing is stored)."""
    cleaned = contact.strip()
    if len(cleaned) > MAX_CONTACT:
        raise BrandingRefused(Refusal.CONTACT_TOO_LONG, limit=MAX_CONTACT)
    new_logo = normalised_logo(logo) if logo else None
    centre.contact = cleaned or None
    if new_logo is not None:
        centre.logo_png = new_logo
    elif remove_logo:
        centre.logo_png = None
    record(
        user,
        "save_branding",
        "centre",
        centre.id,
        contact=bool(centre.contact),
        logo=centre.logo_png is not None,
    )
    db.session.commit()


def branding_of(centre: Centre) -> CentreBranding:
    return CentreBranding(centre.name, centre.contact, centre.logo_png)
