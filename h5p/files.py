"""Serving files from ``H5P_ROOT``: our own MIME table, no path that climbs out, headers
that keep a file from running as a document of our origin.

Files are read by the sandboxed player frame, whose origin is opaque: its ``fetch`` of
JSON and its CSS fonts are cross-origin requests, so the answer allows any origin
(``Access-Control-Allow-Origin: *``, never with credentials: nothing here reads cookies).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.http import FileResponse, Http404

from .svg import svg_response_protect

MIME_TYPES = {
    ".json": "application/json",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".vtt": "text/vtt; charset=utf-8",
    ".webvtt": "text/vtt; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".csv": "text/plain; charset=utf-8",
}


def file_response(base: Path, relative: str, cache: str) -> FileResponse:
    """``base/relative`` as a response with ``cache`` as its Cache-Control; 404 for a path
    that is empty, has ``.``/``..``/empty parts or a backslash, or leaves ``base``."""
    parts = relative.split("/")
    if not relative or "\\" in relative or any(part in ("", ".", "..") for part in parts):
        raise Http404
    path = base.joinpath(*parts)
    try:
        resolved = path.resolve(strict=True)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    if not resolved.is_file() or not resolved.is_relative_to(base.resolve()):
        raise Http404
    suffix = resolved.suffix.lower()
    content_type = MIME_TYPES.get(suffix) or mimetypes.guess_type(resolved.name)[0]
    # FileResponse closes the file when the response is done.
    handle = open(resolved, "rb")  # noqa: SIM115
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    if suffix == ".svg":  # an SVG opened as a document could run script: never here
        svg_response_protect(response)
    return response
