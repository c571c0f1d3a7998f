"""QR codes of links, to open them on a phone (an invitation shown on a laptop)."""

from __future__ import annotations

import base64


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (allowed by the pages' CSP for images)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=8,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
