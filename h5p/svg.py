"""SVG images in content, cleaned by svg-hush (Cloudflare's SVG sanitiser, through its
Python binding ``py-svg-hush``) before anything of them is kept.

svg-hush parses the SVG as XML (entities resolved, namespaces honoured, so an
entity-encoded ``jav&#x61;script:`` link or a namespaced ``<s:script>`` is seen for what
it is), keeps only the elements and attributes of static SVG images, drops script, event
handlers, ``foreignObject`` and links to other sites, and keeps ``data:`` URLs only for
raster images. A file it cannot parse is refused.

SVG files inside library folders (web fonts loaded by CSS ``@font-face``) are left as they
are: the views serve every SVG with a sandboxing Content-Security-Policy instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from py_svg_hush import filter_svg

DATA_URL_TYPES = {"image": ["png", "jpeg", "gif", "webp"]}


def svg_clean(data: bytes) -> bytes:
    """``data`` without anything that could run script or load from elsewhere.

    Raises ``ValueError`` if ``data`` is not an SVG document svg-hush can read.
    """
    return filter_svg(data, DATA_URL_TYPES)


def content_svgs_clean(content: Path, staging: Path, problems: list[str]) -> None:
    """Rewrite every SVG under ``content`` cleaned; name each one that cannot be read."""
    for path in sorted(content.rglob("*")):
        if path.suffix.lower() != ".svg" or not path.is_file():
            continue
        try:
            path.write_bytes(svg_clean(path.read_bytes()))
        except (ValueError, TypeError):
            problems.append(
                _("“%(name)s” is not an SVG image that can be read and cleaned.")
                % {"name": path.relative_to(staging).as_posix()}
            )


# An SVG opened as a document (not as an image or a font) could run script: whatever it
# holds, it runs none, loads nothing and is never taken for another type.
SVG_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; script-src 'none'"


def svg_response_protect(response: Any) -> Any:
    """Give a response that serves an SVG file the headers that keep it inert."""
    response["Content-Security-Policy"] = SVG_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response._csp_exempt = True  # ours, not the page's policy (django-csp leaves it)
    return response
