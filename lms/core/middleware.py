"""Request middleware of our own."""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device

from .access_memo import remembered


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


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's, loading the session's verified second-factor device through the
    access memo (``lms.core.access_memo``) instead of a query on every request.

    Every staff request of a person who passed the second factor asked the database for
    that device (by the persistent id the session keeps), to learn whether it still
    exists, is confirmed and is theirs. Saves and deletes of every device model replace
    the access token (``lms.core.signals.access_version_receivers_connect``): a device
    removed, reset or added is seen by every process on its next request. django-otp's
    own checks (the device's user, ``confirmed``) apply to the kept row as before, and
    each request gets an instance of its own. The asynchronous path is django-otp's."""

    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        try:
            model_label, _device_id = persistent_id.rsplit("/", 1)
            model = apps.get_model(model_label)
        except (ValueError, LookupError):
            return None
        if not issubclass(model, Device):
            return None
        return remembered(
            model, ("otp", persistent_id), lambda: Device.from_persistent_id(persistent_id)
        )
