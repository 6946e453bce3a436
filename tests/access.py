"""What each role gets from a URL: the page, a sign-in redirect, a refusal or a 404."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.kiosk_client import sign_in

ROLES = ["anonymous", "prisoner", "staff_learner", "officer", "trainer", "monitor", "administrator"]
OK, FORBIDDEN, MISSING = 200, 403, 404
LOGIN = "login"
ADMIN_LOGIN = "admin-login"
ADMIN_HOME = "admin-home"  # Wagtail's answer to PermissionDenied in its own views


def answers_by_role(
    client, users: dict, url: str, *, post: dict | None = None
) -> dict[str, object]:
    """GET ``url`` as each role (``users[role]`` is None for a signed-out visitor), or
    POST ``post`` to it when given."""
    seen: dict[str, object] = {}
    for role in ROLES:
        user = users[role]
        client.logout()
        if user is not None:
            sign_in(client, user)
        response = client.get(url) if post is None else client.post(url, post)
        seen[role] = answer_of(response)
    return seen


def answer_of(response) -> object:
    """The status, or which sign-in a redirect sends to."""
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(reverse("login")):
        return LOGIN
    if re.match(r"^/(django-)?admin/login/", location):
        return ADMIN_LOGIN
    if location == reverse("wagtailadmin_home"):
        return ADMIN_HOME
    return f"302 {location}"
