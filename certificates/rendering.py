"""Certificate PDFs: data in, bytes out.

``render_certificate_pdf`` is pure: it reads no database and writes nothing. WeasyPrint
may load only our own bundled assets, through ``AssetFetcher``: every URL resolves under
a base on the reserved ``.invalid`` domain and maps to a file in ``ASSET_ROOTS``; any
other URL (``file://``, the network, ``data:`` other than images) is refused, so neither
a template nor a field value can make the renderer read the disk or call out.

Uploaded template images (logos, signatures) are addressed as
``https://assets.qadam.invalid/media/<storage path>``; a render may load only the paths its
``CertificateData`` lists, only raster images (PNG, JPEG, WebP, checked by their first
bytes, never SVG), and ``data:`` URLs only for those same raster types.

One ``FontConfiguration`` and the parsed stylesheets are kept per process: a fresh
``FontConfiguration`` per render costs a third more time and leaks memory. The
employability CV is laid out by ``render_document`` too, with its own stylesheet.
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
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ASSET_BASE_URL = "https://assets.qadam.invalid/"
ASSET_HOST = urlsplit(ASSET_BASE_URL).hostname
MEDIA_PREFIX = "media/"
STYLESHEETS = ["css/certificate.css"]
RASTER_TYPES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/webp": (b"RIFF",),
}


def asset_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.STATICFILES_DIRS]


class AssetRefused(ValueError):
    pass


def media_url(path: str) -> str:
    """The renderer's URL for an uploaded file at storage path ``path``."""
    return ASSET_BASE_URL + MEDIA_PREFIX + path


def _raster_type(content: bytes) -> str | None:
    for content_type, signatures in RASTER_TYPES.items():
        if any(content.startswith(signature) for signature in signatures):
            if content_type == "image/webp" and content[8:12] != b"WEBP":
                continue
            return content_type
    return None


class AssetFetcher(URLFetcher):
    """Serves our bundled static assets, and the uploaded images named in
    ``media_paths``, to WeasyPrint; refuses everything else."""

    def __init__(self, media_paths: frozenset[str] = frozenset()) -> None:
        super().__init__(allowed_protocols={"https", "data"}, allow_redirects=False)
        self.media_paths = media_paths
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            mediatype = url[5:].split(",", 1)[0].split(";", 1)[0].strip().lower()
            if mediatype not in RASTER_TYPES:
                raise self.refuse(url)
            response = super().fetch(url, headers)
            return response
        if parts.scheme != "https" or parts.hostname != ASSET_HOST or parts.query:
            raise self.refuse(url)
        relative = unquote(parts.path).lstrip("/")
        if relative.startswith(MEDIA_PREFIX):
            return self.fetch_media(url, relative[len(MEDIA_PREFIX) :])
        for root in asset_roots():
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, candidate.read_bytes(), {"Content-Type": content_type}
                )
        raise self.refuse(url)

    def fetch_media(self, url: str, path: str) -> URLFetcherResponse:
        from django.core.files.storage import default_storage

        if path not in self.media_paths:
            raise self.refuse(url)
        with default_storage.open(path, "rb") as handle:
            content = handle.read(10 * 1024 * 1024 + 1)
        content_type = _raster_type(content)
        if content_type is None or len(content) > 10 * 1024 * 1024:
            raise self.refuse(url)
        return URLFetcherResponse(url, content, {"Content-Type": content_type})

    def refuse(self, url: str) -> AssetRefused:
        # WeasyPrint swallows a failed image fetch and renders without it: remember the
        # refusal so the render fails loudly instead of printing a certificate without it.
        logger.warning("certificate renderer refused to load %s", url[:200])
        self.refused.append(url[:200])
        return AssetRefused(f"Refused to load {url[:200]}")


@dataclass(frozen=True)
class SignatoryData:
    name: str
    title: str
    signature_path: str = ""  # storage path of the uploaded image, or empty

    @property
    def signature_url(self) -> str:
        return media_url(self.signature_path) if self.signature_path else ""


@dataclass(frozen=True)
class TemplateData:
    """What a ``CertificateTemplate`` contributes, in one language."""

    layout: str = "classic"
    heading: str = ""
    statement: str = ""
    logo_path: str = ""
    second_logo_path: str = ""
    signatories: tuple[SignatoryData, ...] = ()

    @property
    def logo_url(self) -> str:
        return media_url(self.logo_path) if self.logo_path else ""

    @property
    def second_logo_url(self) -> str:
        return media_url(self.second_logo_path) if self.second_logo_path else ""

    def media_paths(self) -> frozenset[str]:
        paths = {self.logo_path, self.second_logo_path}
        paths |= {s.signature_path for s in self.signatories}
        return frozenset(p for p in paths if p)


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
    expires_on: date | None = None
    template: TemplateData = TemplateData()
    # What the certificate attests, in its language (``certificates.models.rule_sentences``)
    rule: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def font_configuration() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=8)
def stylesheets_for(paths: tuple[str, ...]) -> list[CSS]:
    """The parsed stylesheets at ``paths`` (under the asset base), kept per process."""
    fetcher = AssetFetcher()
    return [
        CSS(url=ASSET_BASE_URL + path, url_fetcher=fetcher, font_config=font_configuration())
        for path in paths
    ]


def _renderer() -> tuple[FontConfiguration, AssetFetcher, list[CSS]]:
    return font_configuration(), AssetFetcher(), stylesheets_for(tuple(STYLESHEETS))


def render_document(
    html: str, *, stylesheets: tuple[str, ...], media_paths: frozenset[str] = frozenset()
) -> Document:
    """Lay out ``html`` with the bundled ``stylesheets``; it may load only the bundled
    assets and the uploads in ``media_paths``. Raises ``AssetRefused`` if it tried
    anything else (WeasyPrint itself would carry on without it)."""
    fetcher = AssetFetcher(media_paths=media_paths)
    document = HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=fetcher).render(
        stylesheets=stylesheets_for(stylesheets), font_config=font_configuration()
    )
    if fetcher.refused:
        raise AssetRefused(f"Refused to load {', '.join(fetcher.refused)}")
    return document


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (no file, no fetch)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=0, omitsize=True)


def certificate_html(data: CertificateData) -> str:
    with translation.override(data.language):
        return render_to_string(
            "certificates/pdf/certificate.html",
            {"data": data, "qr_svg": mark_safe(qr_svg(data.verify_url))},  # noqa: S308
        )


class RenderRefused(ValueError):
    pass


def render_certificate_pdf(data: CertificateData) -> bytes:
    """The certificate as PDF bytes. Field values are autoescaped by the template; the
    render may load only the bundled assets and the template's own images."""
    document = render_document(
        certificate_html(data),
        stylesheets=tuple(STYLESHEETS),
        media_paths=data.template.media_paths(),
    )
    if len(document.pages) > settings.CERTIFICATE_RENDER_MAX_PAGES:
        raise RenderRefused(f"{len(document.pages)} pages: the certificate text is too long")
    # PDF/UA-1: tagged (headings, paragraphs, the link), with the language and title,
    # so screen readers and text extraction read it in order.
    return document.write_pdf(pdf_variant="pdf/ua-1")
