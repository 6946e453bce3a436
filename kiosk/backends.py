"""The session backend of kiosk sign-ins (prisoners only).

It authenticates nothing by itself (``authenticate`` always answers None, so no login form
can use it): the kiosk sign-in view checks number, PIN, device and facility
(``kiosk.services.authentication.kiosk_sign_in``) and then logs the prisoner in with this
backend. On later requests it loads only active prisoners; the kiosk middleware decides
whether the session still belongs to the device it is seen on."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

KIOSK_BACKEND = "kiosk.backends.KioskBackend"


class KioskBackend(ModelBackend):
    def authenticate(self, request, **credentials):
        return None

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "is_prisoner", False)
