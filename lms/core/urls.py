"""URL sets of the core. ``account_urls``: staff sign-in and sign-out, mounted at
``accounts/`` (names ``login`` and ``logout``, without a namespace: ``LOGIN_URL`` and
Django's own views name them so)."""

from django.urls import path

from .accounts import staff_login, staff_logout

account_urls = [
    path("login/", staff_login, name="login"),
    path("logout/", staff_logout, name="logout"),
]
