"""Uploaded files are never served as something a browser runs.

A file's name (and so its guessed type) is its uploader's choice: a ``.js`` "document"
served as ``text/javascript`` from our own origin passes ``script-src 'self'``, and an
``.html`` or ``.svg`` one runs script when opened. Every file response from uploads
(documents, raw media) goes through ``harden_file_response``:

- types on ``INLINE_SAFE_TYPES`` (PDF, raster images, audio, video, captions, plain text)
  keep their type and open in the browser;
- anything else is sent as ``application/octet-stream`` with ``Content-Disposition:
  attachment``, whatever its name says, so no ``<script src>``, stylesheet or frame can
  use it (``nosniff`` makes the browser refuse a script or style of that type);
- ``X-Content-Type-Options: nosniff`` always, and ``Content-Security-Policy: sandbox;
  default-src 'none'`` (a document opened directly runs nothing and reaches nothing). PDFs
  get ``default-src 'none'`` without ``sandbox``: Chromium's PDF viewer refuses to start in
  a sandboxed document, and kiosks show lesson PDFs in that viewer.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.http import HttpResponseBase
from django.utils.http import content_disposition_header

INLINE_SAFE_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "video/mp4",
        "video/webm",
        "audio/mpeg",
        "audio/ogg",
        "audio/mp4",
        "audio/wav",
        "audio/x-wav",
        "audio/vnd.wave",
        "text/vtt",
        "text/plain",
    }
)
DOWNLOAD_TYPE = "application/octet-stream"
SANDBOX_CSP = "sandbox; default-src 'none'"
PDF_CSP = "default-src 'none'"


def served_type(filename: str) -> str:
    """The type a file named ``filename`` is sent as: its own if inline-safe, else a
    download."""
    lookup = getattr(settings, "WAGTAILDOCS_CONTENT_TYPES", {})
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    guessed = lookup.get(extension) or mimetypes.guess_type(filename)[0] or DOWNLOAD_TYPE
    guessed = guessed.split(";")[0].strip().lower()
    return guessed if guessed in INLINE_SAFE_TYPES else DOWNLOAD_TYPE


def harden_file_response(response: HttpResponseBase, *, filename: str) -> HttpResponseBase:
    """Set the type, disposition and security headers of a response carrying the
    uploaded file ``filename``. Other responses (redirects, 304, 404) only get
    ``nosniff``."""
    response["X-Content-Type-Options"] = "nosniff"
    if response.status_code not in (200, 206):
        return response
    content_type = served_type(filename)
    inline = content_type != DOWNLOAD_TYPE
    response["Content-Type"] = (
        f"{content_type}; charset=utf-8" if content_type.startswith("text/") else content_type
    )
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Content-Security-Policy"] = (
        PDF_CSP if content_type == "application/pdf" else SANDBOX_CSP
    )
    return response
