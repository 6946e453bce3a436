"""Input no page of Qadam can use answers 400 with a sentence, never 500.

- ``BadInput`` is raised where a value cannot be what it claims (an id that is not a
  UUID, a number out of range); Django turns it into a 400 through ``bad_request``
  (``handler400``), which shows its message in the visitor's language.
- ``RefuseNulMiddleware`` refuses any request whose query, form fields or JSON body hold
  a NUL character: no text in Qadam needs one, PostgreSQL cannot store one in a text
  column, and every search box and filter would otherwise answer 500.
"""

from __future__ import annotations

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


def _has_nul(values: Any) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values
    )


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = "\x00" in request.path or _has_nul(request.GET)
        if not refused and request.method == "POST":
            if request.content_type == "application/json":
                refused = b"\x00" in request.body or b"\\u0000" in request.body
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                refused = _has_nul(request.POST)
        if refused:
            return bad_request(
                request, BadInput(_("The request holds a character no text may contain (NUL)."))
            )
        return self.get_response(request)
