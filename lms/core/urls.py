"""URL sets of the core. ``account_urls``: staff sign-in and sign-out, mounted at
``accounts/`` (names ``login`` and ``logout``, without a namespace: ``LOGIN_URL`` and
Django's own views name them so)."""

from django.urls import include, path

from .accounts import (
    passkey_remove,
    session_end,
    sessions,
    staff_login,
    staff_logout,
    two_factor,
)
from .passkeys import passkey_urls

account_urls = [
    path("login/", staff_login, name="login"),
    path("logout/", staff_logout, name="logout"),
    path("two-factor/", two_factor, name="two_factor"),
    # Passkey ceremonies (JSON): under two-factor/, open during the second-factor step.
    path("two-factor/passkey/", include(passkey_urls)),
    path("sessions/", sessions, name="sessions"),
    path("sessions/<int:pk>/end/", session_end, name="session_end"),
    path("sessions/passkeys/<int:pk>/remove/", passkey_remove, name="passkey_remove"),
]
