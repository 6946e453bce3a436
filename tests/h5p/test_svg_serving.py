"""SVG files from library folders (web fonts) are kept as they are and served so that,
opened as a document, they run no script."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from h5p.importer import h5p_content_import

from . import builders

pytestmark = pytest.mark.django_db

FONT = (
    b'<?xml version="1.0" standalone="no"?>\n'
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" >\n'
    b'<svg xmlns="http://www.w3.org/2000/svg"><defs><font id="f"><glyph unicode="a"/></font>'
    b"</defs><script>alert(document.cookie)</script></svg>"
)


def test_a_library_svg_is_kept_and_served_sandboxed(administrator, h5p_root):
    h5p_content_import(
        actor=administrator,
        upload=io.BytesIO(builders.with_extra(f"{builders.TINY_FOLDER}/fonts/icons.svg", FONT)),
    )
    stored = h5p_root / "libraries" / builders.TINY_FOLDER / "fonts" / "icons.svg"
    assert stored.read_bytes() == FONT
    client = Client()
    client.force_login(administrator)
    response = client.get(
        reverse("h5p:library_file", args=[1, f"{builders.TINY_FOLDER}/fonts/icons.svg"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox") and "script-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
