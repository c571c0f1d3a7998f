"""HTML → PDF with WeasyPrint: our static files only, HarfBuzz font subsetting.

WeasyPrint takes about a second to import, so only the code that renders imports
this module (``render.render_pdf``, at the time it renders)."""

from __future__ import annotations

import base64
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from maturity.core.report import PNG_DATA_URI
from maturity.reports.collector import freeze_before_first_render
from maturity.reports.resources import REPORT_STATIC

logger = logging.getLogger(__name__)


class StaticFilesOnly(URLFetcher):
    """Serves files below one folder and refuses everything else: no network
    access and no other file is ever read while a report renders."""

    def __init__(self, root: Path = REPORT_STATIC) -> None:
        super().__init__(allowed_protocols=("file",))
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith(PNG_DATA_URI):
            # A centre's logo, embedded in the page (re-encoded by the services).
            return URLFetcherResponse(
                url,
                body=base64.b64decode(url[len(PNG_DATA_URI) :], validate=True),
                headers={"Content-Type": "image/png"},
            )
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or self.root not in path.parents or not path.is_file():
            self.refused.append(url)
            raise ValueError(f"report resources come only from {self.root}: refused {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def base_url(root: Path = REPORT_STATIC) -> str:
    return root.resolve().as_uri() + "/"


def html_to_pdf(html: str, root: Path = REPORT_STATIC) -> bytes:
    """Render one HTML document; resources resolve against the report's static folder."""
    freeze_before_first_render()
    document = HTML(string=html, base_url=base_url(root), url_fetcher=StaticFilesOnly(root))
    pdf = document.write_pdf()
    assert pdf is not None
    return pdf
