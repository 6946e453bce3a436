"""Request middleware of our own."""

from __future__ import annotations

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as CSPMiddlewareBase
from csp.utils import build_policy
from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
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


class CSPMiddleware(CSPMiddlewareBase):
    """django-csp's middleware, with the site's own policy (a setting) built once per
    process instead of on every response (~45 us a response here). A response that asks
    for anything else (its own config, an update or a replacement, a nonce, exempt, a
    header already set) and any report-only policy go through django-csp unchanged."""

    _OWN = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        from django.conf import settings

        if (
            not settings.DEBUG
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and CSP_HEADER not in response
            and getattr(request, "_csp_nonce", None) is None
            and not any(getattr(response, name, None) for name in self._OWN)
            and not (settings.CONTENT_SECURITY_POLICY or {}).get("EXCLUDE_URL_PREFIXES")
        ):
            policy = site_policy()
            if not policy:
                return super().process_response(request, response)
            response[CSP_HEADER] = policy
            # As django-csp does once the header is written: a nonce asked for now would
            # not be in it, so asking is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
            return response
        return super().process_response(request, response)


_site_policy: str | None = None


def site_policy() -> str:
    """``CONTENT_SECURITY_POLICY`` as django-csp writes it, built once per process
    (again after a test changes the setting)."""
    global _site_policy
    if _site_policy is None:
        _site_policy = build_policy()
    return _site_policy


def forget_site_policy(**kwargs: object) -> None:
    global _site_policy
    _site_policy = None


@receiver(setting_changed, dispatch_uid="lms.core.csp_policy_changed")
def _policy_setting_changed(setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        forget_site_policy()
