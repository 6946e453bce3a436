"""Who may authenticate how.

- ``LockoutBackend`` (django-axes) refuses a locked account or address before any
  password is checked.
- ``StaffPasswordBackend``: username and password, for staff only. Every password sign-in
  (our sign-in page, Wagtail's admin and ``_util/login/`` views, the Django admin, and any
  view that calls ``authenticate``) goes through it, so a prisoner account is refused on
  all of them; and a session it made for a prisoner (``force_login``) opens as signed out.
- ``KioskBackend`` is the only way a prisoner is signed in: the kiosk's own
  sign-in checks number and PIN on a registered device and logs in with it.

Both load the signed-in person of each request through ``lms.core.access_memo`` (kept
per process under the access version, which every change to a person replaces), then
apply their rules to it as before.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .access_memo import user_remembered


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' backend (first in AUTHENTICATION_BACKENDS), marking the request it
    refuses because the account or the address is locked: that try's password was never
    checked, so it is no failed sign-in of its own (``lms.core.signin``)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username, password, **kwargs)
        except PermissionDenied:
            if request is not None:
                request.qadam_refused_while_locked = True
            raise


class RememberedUserMixin:
    """``get_user`` (each signed-in request) from the access memo instead of a query."""

    def get_user(self, user_id):
        user = user_remembered(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class StaffPasswordBackend(RememberedUserMixin, ModelBackend):
    """Django's model backend, refusing prisoner accounts (they sign in on kiosks)."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "is_prisoner", False)


KIOSK_BACKEND = "lms.core.backends.KioskBackend"


class KioskBackend(RememberedUserMixin, ModelBackend):
    """The session backend of kiosk sign-ins (prisoners only).

    It authenticates nothing by itself (``authenticate`` always answers None, so no login
    form can use it): the kiosk sign-in view checks number, PIN, device and facility
    (``kiosk.services.authentication.kiosk_sign_in``) and then logs the prisoner in with
    this backend. On later requests it loads only active prisoners; the kiosk middleware
    decides whether the session still belongs to the device it is seen on."""

    def authenticate(self, request, **credentials):
        return None

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "is_prisoner", False)
