import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from certificates.rendering import (
    AssetFetcher,
    AssetRefused,
    CertificateData,
    render_certificate_pdf,
)


def data(**overrides):
    values = {
        "holder_name": "Әсел Нұрланқызы",
        "course_title": "Дәнекерлеу қауіпсіздігі",
        "provider": "Колледж",
        "hours": Decimal("12.5"),
        "completed_on": date(2026, 11, 20),
        "serial_number": "Q-00000042",
        "display_code": "7K2M-9QXD-4T8B-HN3C",
        "verify_url": "http://127.0.0.1:8000/verify/7K2M9QXD4T8BHN3C/",
        "language": "kk",
    }
    return CertificateData(**{**values, **overrides})


@pytest.mark.parametrize("name", ["Әсел Нұрланқызы", "Ержан Тоқтаров", "Ғалым Өмірұлы Үшқын"])
def test_kazakh_text_renders_with_embedded_fonts(name):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(data(holder_name=name))))
    text = reader.pages[0].extract_text()
    assert name in text
    assert "Дәнекерлеу қауіпсіздігі" in text
    fonts = {
        font["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/FontDescriptor" in font.get_object() or "/DescendantFonts" in font.get_object()
    }
    assert any("Noto" in name for name in fonts), fonts


def test_field_values_are_escaped_not_interpreted():
    hostile = '<img src="file:///etc/passwd"><b>Bold</b>'
    text = (
        PdfReader(io.BytesIO(render_certificate_pdf(data(holder_name=hostile))))
        .pages[0]
        .extract_text()
    )
    assert "<b>Bold</b>" in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/logo.png",
        "https://example.org/logo.png",
        "https://assets.qadam.invalid/../../../../etc/passwd",
        "https://assets.qadam.invalid/%2e%2e/%2e%2e/lms/settings/base.py",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_anything_but_bundled_assets(url):
    with pytest.raises((AssetRefused, ValueError)):
        AssetFetcher().fetch(url)


def test_the_fetcher_serves_bundled_fonts():
    response = AssetFetcher().fetch("https://assets.qadam.invalid/css/fonts.css")
    assert b"Noto Sans" in response.read()
