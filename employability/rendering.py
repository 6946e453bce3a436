"""The CV-style PDF of an employability record: data in, bytes out.

Written for an employer: the person's name, training with its verification codes,
skills, work experience. No facility, no prisoner number, no Qadam or prison branding.
Same locked-down fetcher and Debian Noto fonts as certificates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from certificates.rendering import ASSET_BASE_URL, AssetFetcher


@dataclass(frozen=True)
class CvEntry:
    title: str
    provider: str
    completed_on: date
    hours: Decimal
    code: str
    verify_url: str
    expires_on: date | None = None


@dataclass(frozen=True)
class CvPlacement:
    role: str
    description: str
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class CvData:
    name: str
    language: str
    entries: tuple[CvEntry, ...] = ()
    hours: tuple[tuple[str, Decimal], ...] = ()
    skills: tuple[str, ...] = ()
    placements: tuple[CvPlacement, ...] = ()


@lru_cache(maxsize=1)
def _renderer() -> tuple[FontConfiguration, list[CSS]]:
    font_config = FontConfiguration()
    css = CSS(
        url=ASSET_BASE_URL + "css/cv.css", url_fetcher=AssetFetcher(), font_config=font_config
    )
    return font_config, [css]


def cv_html(data: CvData) -> str:
    with translation.override(data.language):
        return render_to_string("employability/pdf/cv.html", {"data": data})


def render_cv_pdf(data: CvData) -> bytes:
    font_config, stylesheets = _renderer()
    fetcher = AssetFetcher()
    document = HTML(string=cv_html(data), base_url=ASSET_BASE_URL, url_fetcher=fetcher)
    pdf = document.write_pdf(stylesheets=stylesheets, font_config=font_config)
    if fetcher.refused:
        raise ValueError(f"Refused to load {fetcher.refused}")
    return pdf
