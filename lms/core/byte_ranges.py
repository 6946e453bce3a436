"""HTTP Range requests (RFC 9110, section 14) on a file response that another view has
already built and checked: a video on a kiosk seeks by asking for the bytes it needs.

``answer_range(request, response)`` turns a 200 ``FileResponse`` into:

- ``206 Partial Content`` with ``Content-Range`` for one satisfiable byte range
  (``bytes=0-99``, ``bytes=100-``, ``bytes=-500``; a last byte past the end is clamped);
- ``416 Range Not Satisfiable`` with ``Content-Range: bytes */<size>`` when the range
  starts past the end of the file (or asks for the last 0 bytes);
- the whole file, unchanged, for everything else: several ranges in one header (RFC 9110
  lets a server ignore Range; browsers' media players ask for one range at a time, and
  multipart answers to overlapping ranges are a known amplification), a header that does
  not parse, a unit other than bytes, an ``If-Range`` that no longer matches, a method
  other than GET.

Every 200 it could have answered says ``Accept-Ranges: bytes``. All other headers of the
response (Content-Disposition, CSP, ETag, ...) are kept; nothing else is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.utils.http import parse_http_date_safe

_SINGLE_RANGE = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


class RangeNotSatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The first and last byte (inclusive) that ``header`` asks for in a file of ``size``
    bytes; None to answer with the whole file. Raises ``RangeNotSatisfiable``."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    match = _SINGLE_RANGE.match(spec)
    if match is None:
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        if last and int(last) < start:
            return None  # invalid, not unsatisfiable (RFC 9110, 14.1.1)
        if start >= size:
            raise RangeNotSatisfiable
        return start, min(int(last), size - 1) if last else size - 1
    if not last:
        return None
    suffix = int(last)
    if suffix == 0 or size == 0:
        raise RangeNotSatisfiable
    return max(size - suffix, 0), size - 1


def if_range_matches(request: HttpRequest, response: HttpResponseBase) -> bool:
    """True when there is no If-Range, or it still names what the response serves: a
    strong ETag compared strongly, or the exact Last-Modified date."""
    validator = request.headers.get("If-Range")
    if validator is None:
        return True
    validator = validator.strip()
    if validator.startswith(('"', "W/")):
        etag = response.get("ETag")
        # Wagtail sends an empty ETag ("") for a document without a stored hash: it
        # names no version, so it cannot vouch that the file is unchanged.
        return etag not in (None, '""') and not etag.startswith("W/") and validator == etag
    modified = response.get("Last-Modified")
    if modified is None:
        return False
    wanted = parse_http_date_safe(validator)
    return wanted is not None and wanted == parse_http_date_safe(modified)


def _read(file: IO[bytes], start: int, length: int, block_size: int) -> Iterator[bytes]:
    file.seek(start)
    while length > 0:
        chunk = file.read(min(block_size, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


def answer_range(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """``response`` answering the request's Range header, if it is a whole file."""
    if not (
        isinstance(response, FileResponse)
        and response.status_code == 200
        and response.file_to_stream is not None
        and response.has_header("Content-Length")
    ):
        return response
    response["Accept-Ranges"] = "bytes"
    header = request.headers.get("Range")
    if request.method != "GET" or header is None or not if_range_matches(request, response):
        return response
    file = response.file_to_stream
    size = int(response["Content-Length"])
    try:
        wanted = parse_range(header, size)
    except RangeNotSatisfiable:
        response.status_code = 416
        response.streaming_content = iter(())
        response["Content-Range"] = f"bytes */{size}"
        response["Content-Length"] = "0"
        return response
    if wanted is None:
        return response
    start, end = wanted
    length = end - start + 1
    # Replacing the content drops Django's wsgi.file_wrapper shortcut for this answer
    # only; the file itself is still closed with the response.
    response.streaming_content = _read(file, start, length, response.block_size)
    response.status_code = 206
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    return response
