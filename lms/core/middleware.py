"""Request middleware of our own."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, without its 404 redirect to a language prefix for every path.

    Wagtail's page URLs sit under ``/<language>/`` and match any path, so Django would turn
    every 404 elsewhere (a wrong certificate code, a refused download) into a redirect to
    ``/en/...``. Only the bare root is sent to the visitor's language.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code == 404 and request.path_info != "/":
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            return response
        return super().process_response(request, response)
