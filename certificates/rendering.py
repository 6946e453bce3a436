"""Certificate PDFs: data in, bytes out.

``render_certificate_pdf`` is pure: it reads no database and writes nothing. WeasyPrint
may load only our own bundled assets, through ``AssetFetcher``: every URL resolves under
a base on the reserved ``.invalid`` domain and maps to a file in ``ASSET_ROOTS``; any
other URL (``file://``, the network, ``data:`` other than images) is refused, so neither
a template nor a field value can make the renderer read the disk or call out.

One ``FontConfiguration`` and the parsed stylesheets are kept per process: a fresh
``FontConfiguration`` per render costs a third more time and leaks memory.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ASSET_BASE_URL = "https://assets.qadam.invalid/"
ASSET_HOST = urlsplit(ASSET_BASE_URL).hostname
STYLESHEETS = ["css/certificate.css"]


def asset_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.STATICFILES_DIRS]


class AssetRefused(ValueError):
    pass


class AssetFetcher(URLFetcher):
    """Serves our bundled static assets to WeasyPrint; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"https", "data"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            if not url[5:].lower().startswith("image/"):
                raise self.refuse(url)
            return super().fetch(url, headers)
        if parts.scheme != "https" or parts.hostname != ASSET_HOST:
            raise self.refuse(url)
        relative = unquote(parts.path).lstrip("/")
        for root in asset_roots():
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, candidate.read_bytes(), {"Content-Type": content_type}
                )
        raise self.refuse(url)

    @staticmethod
    def refuse(url: str) -> AssetRefused:
        logger.warning("certificate renderer refused to load %s", url[:200])
        return AssetRefused(f"Refused to load {url[:200]}")


@dataclass(frozen=True)
class CertificateData:
    holder_name: str
    course_title: str
    provider: str
    hours: Decimal
    completed_on: date
    serial_number: str
    display_code: str
    verify_url: str
    language: str


@lru_cache(maxsize=1)
def _renderer() -> tuple[FontConfiguration, AssetFetcher, list[CSS]]:
    font_config = FontConfiguration()
    fetcher = AssetFetcher()
    stylesheets = [
        CSS(url=ASSET_BASE_URL + path, url_fetcher=fetcher, font_config=font_config)
        for path in STYLESHEETS
    ]
    return font_config, fetcher, stylesheets


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (no file, no fetch)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=0, omitsize=True)


def certificate_html(data: CertificateData) -> str:
    with translation.override(data.language):
        return render_to_string(
            "certificates/pdf/certificate.html",
            {"data": data, "qr_svg": mark_safe(qr_svg(data.verify_url))},  # noqa: S308
        )


def render_certificate_pdf(data: CertificateData) -> bytes:
    """The certificate as PDF bytes. Field values are autoescaped by the template."""
    font_config, fetcher, stylesheets = _renderer()
    document = HTML(string=certificate_html(data), base_url=ASSET_BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets, font_config=font_config)
