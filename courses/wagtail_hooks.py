"""Serving pages: nobody signed out sees learning content, and nobody receives a page
meant for another audience (a 404, so a guessed URL reveals nothing)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from wagtail import hooks
from wagtail.models import Page

from .audience import audience_allows


def page_audience(page: Page) -> str | None:
    """The audience of a page, or None for pages that carry no audience of their own."""
    audience = getattr(page, "audience", None)
    return audience if isinstance(audience, str) else None


@hooks.register("before_serve_page")
def require_audience(
    page: Page, request: HttpRequest, serve_args: Any, serve_kwargs: Any
) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    audience = page_audience(page)
    if audience is not None and not audience_allows(request.user, audience):
        raise Http404
    return None


@hooks.register("before_serve_document")
def document_audience(document: Any, request: HttpRequest) -> HttpResponse | None:
    """Documents go only to people who may see a page that uses them."""
    from .media_access import user_may_receive

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user_may_receive(request.user, document):
        raise Http404
    return None
