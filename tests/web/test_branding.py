"""A centre's contact and logo on the covers of its organisations' reports."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from PIL import Image

from maturity.extensions import db
from maturity.models import Centre
from tests.web.world import build_world


def png_header(width: int, height: int) -> bytes:
    """A PNG that only claims its size: a signature, a header and no pixels."""
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", 0)
        + b"IEND"
        + struct.pack(">I", zlib.crc32(b"IEND"))
    )


def image_bytes(size: tuple[int, int], image_format: str, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(buffer, format=image_format)
    return buffer.getvalue()


def test_reviewers_brand_the_reports_of_their_centre(app: Flask) -> None:
    world = build_world(app)
    reviewer = world.client("reviewer")
    url = f"/centres/{world.ids['centre']}/branding"
    logo = image_bytes((1200, 400), "JPEG")
    saved = reviewer.post(
        url,
        data={
            "contact": "杭州市上城区解放路 1 号\n0571-8888 0000",
            "logo": (io.BytesIO(logo), "logo.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    with app.app_context():
        centre = db.session.get(Centre, world.ids["centre"])
        assert centre is not None and centre.contact == "杭州市上城区解放路 1 号\n0571-8888 0000"
        stored = Image.open(io.BytesIO(centre.logo_png or b""))
        # Re-encoded as a PNG that fits the logo box, never kept as uploaded.
        assert stored.format == "PNG" and stored.size == (600, 200)
    page = reviewer.get(f"/centres/{world.ids['centre']}").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page and "0571-8888 0000" in page

    with app.app_context():
        from maturity.reports.render import render_html
        from maturity.services.reports import load_report_data

        data = load_report_data(world.ids["a1"], "zh")
        html = render_html(data)
    assert [c.name for c in data.centres] == [centre.name]
    cover = html[: html.index('<section id="summary">')]
    assert "0571-8888 0000" in cover and 'class="centre-logo" src="data:image/png;base64,' in cover

    # Removing the logo keeps the contact.
    reviewer.post(url, data={"contact": "0571-8888 0000", "remove_logo": "1"})
    with app.app_context():
        centre = db.session.get(Centre, world.ids["centre"])
        assert centre is not None and centre.logo_png is None and centre.contact == "0571-8888 0000"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "PNG 或 JPEG"),
        (b"GIF89a not really", "PNG 或 JPEG"),
        (image_bytes((8, 8), "GIF"), "PNG 或 JPEG"),
        (image_bytes((6000, 6000), "PNG", mode="1"), "像素过多"),
        (png_header(30_000, 30_000), "像素过多"),  # a decompression bomb's header
        (png_header(40, 40), "PNG 或 JPEG"),  # a header without pixels
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 1024 * 1024), "不超过 2 MB"),
    ],
)
def test_a_logo_that_is_not_a_sensible_image_is_refused_and_nothing_is_lost(
    app: Flask, upload: bytes, message: str
) -> None:
    world = build_world(app)
    reviewer = world.client("reviewer")
    refused = reviewer.post(
        f"/centres/{world.ids['centre']}/branding",
        data={"contact": "新的联系方式", "logo": (io.BytesIO(upload), "logo.png")},
        content_type="multipart/form-data",
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in html
    assert "新的联系方式" in html  # the form comes back as typed
    with app.app_context():
        centre = db.session.get(Centre, world.ids["centre"])
        assert centre is not None and centre.contact is None and centre.logo_png is None


def test_only_the_centres_own_reviewers_set_its_branding(app: Flask) -> None:
    world = build_world(app)
    for role in ("owner", "consultant", "other_owner"):
        response = world.client(role).post(
            f"/centres/{world.ids['centre']}/branding", data={"contact": "冒充"}
        )
        assert response.status_code in (403, 404), role
    with app.app_context():
        centre = db.session.get(Centre, world.ids["centre"])
        assert centre is not None and centre.contact is None
