"""Input no page of Qadam can use answers 400 with a sentence, never 500.

- ``BadInput`` is raised where a value cannot be what it claims (an id that is not a
  UUID, a number out of range); Django turns it into a 400 through ``bad_request``
  (``handler400``), which shows its message in the visitor's language.
- ``RefuseNulMiddleware`` refuses any request whose query, form fields or JSON body hold
  a NUL character: no text in Qadam needs one, PostgreSQL cannot store one in a text
  column, and every search box and filter would otherwise answer 500.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils.translation import gettext as _


class BadInput(BadRequest):
    """A request value that cannot be used; the message is for the person."""


def uuid_or_bad_input(value: Any) -> uuid.UUID:
    """``value`` as a UUID, or ``BadInput`` saying it is not one."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as error:
        raise BadInput(_("This link or form refers to something that does not exist.")) from error


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: the page for a refused request, with the reason when we gave one."""
    message = str(exception) if isinstance(exception, BadInput) else ""
    body = loader.render_to_string("400.html", {"message": message}, request)
    return HttpResponseBadRequest(body)


INTEGER = re.compile(r"\s*[+-]?\d{19,}\s*")
LARGEST = 2**63 - 1


def _odd(value: str) -> str | None:
    """Why ``value`` is refused, or None."""
    if "\x00" in value:
        return _("The request holds a character no text may contain (NUL).")
    if INTEGER.fullmatch(value) and (len(value.strip()) > 40 or abs(int(value)) > LARGEST):
        return _("A number in the request is too large.")
    return None


def _refusal(values: Any) -> str | None:
    for key in values:
        for value in [key, *values.getlist(key)]:
            reason = _odd(value)
            if reason:
                return reason
    return None


class RefuseNulMiddleware:
    """Refuses NUL characters and out-of-range whole numbers (module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = _odd(request.path) or _refusal(request.GET)
        if reason is None and request.method == "POST":
            if request.content_type == "application/json":
                if b"\x00" in request.body or b"\\u0000" in request.body:
                    reason = _("The request holds a character no text may contain (NUL).")
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                reason = _refusal(request.POST)
        if reason:
            return bad_request(request, BadInput(reason))
        return self.get_response(request)
