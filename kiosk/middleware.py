"""Knows which requests come from a kiosk and applies the kiosk's rules to them.

- ``request.kiosk`` is the active ``Device`` (from its HttpOnly cookie) or None.
- On a kiosk: only kiosk and learning pages open (staff pages and both admins are
  refused); only a prisoner of the kiosk's facility, signed in on this very device, stays
  signed in; the idle timeout and the absolute cap end the session; every response is
  ``Cache-Control: no-store``, except shared immutable files that say so themselves
  (``public`` + ``immutable``: versioned H5P library code, nothing personal).
- Anywhere: a session opened on a kiosk is ended the moment it is seen without that
  kiosk (the device was revoked, or the cookie was taken elsewhere), or with another
  cookie of it than the one it was signed in with (a sign-out rebinds the kiosk to a new
  cookie: the old one, which a process may still know, carries no session).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from . import kiosk_session as ks
from .selectors import device_from_token


def no_store(response: HttpResponse) -> HttpResponse:
    cache = response.get("Cache-Control", "")
    if "public" in cache and "immutable" in cache:
        return response
    response["Cache-Control"] = "no-store, max-age=0"
    response["Pragma"] = "no-cache"
    return response


def _is_prisoner(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_prisoner", False))


class KioskMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        device = device_from_token(request.COOKIES.get(settings.KIOSK_DEVICE_COOKIE))
        request.kiosk = device
        session_device = request.session.get(ks.DEVICE_KEY)
        if device is None:
            # A prisoner's session lives only on a kiosk: one seen anywhere else (the
            # device was revoked, the cookie was copied, or the session was made by some
            # other path than the kiosk sign-in) is ended here.
            if session_device or _is_prisoner(request.user):
                ks.session_end(request)
                if request.path_info.startswith("/kiosk/"):
                    return self.get_response(request)
                return redirect("kiosk:sign_in")
            if request.path_info.startswith("/kiosk/"):
                return no_store(self.get_response(request))
            return self.get_response(request)

        path = request.path_info
        if not ks.kiosk_may_open(path):
            return no_store(render(request, "kiosk/refused.html", status=403))
        user = request.user
        if user.is_authenticated:
            reason = None
            if not (
                user.is_prisoner
                and user.is_active
                and user.facility_id == device.facility_id
                and session_device == str(device.pk)
                and constant_time_compare(
                    request.session.get(ks.DEVICE_TOKEN_KEY, ""), device.token_hash
                )
            ):
                reason = "other"
            else:
                reason = ks.session_expired_reason(request)
            if reason:
                ks.session_end(request)
                url = reverse("kiosk:sign_in") + "?" + urlencode({"ended": reason})
                return no_store(redirect(url))
            if not ks.is_background(request):
                ks.activity_touch(request)
            if (
                request.session.get(ks.PIN_CHANGE_KEY)
                and path
                not in (
                    reverse("kiosk:pin_change"),
                    reverse("kiosk:sign_out"),
                )
                and not path.startswith("/static/")
            ):
                return no_store(redirect("kiosk:pin_change"))
        elif not path.startswith(ks.KIOSK_PUBLIC_PREFIXES):
            return no_store(redirect("kiosk:sign_in"))
        ks.activate_session_language(request)
        return no_store(self.get_response(request))
