"""Content Security Policy for pages that show an H5P player, and only those.

H5P core (inside h5p-standalone) writes each player's iframe document itself, with one
fixed inline script (``FRAME_BOOT_SCRIPT``). The iframe (about:blank) inherits the page's
policy, so the page allows exactly that script by its hash: never ``'unsafe-inline'`` or
``'unsafe-eval'``, and on no page without a player. The H5P block marks the request while
it renders (``mark_player_on_page``); this middleware, placed after django-csp's, adds the
hash to that response's ``script-src``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

FRAME_BOOT_SCRIPT = (
    "H5PIntegration = window.parent.H5PIntegration; var H5P = H5P || {}; H5P.externalEmbed = false;"
)
FRAME_BOOT_HASH = (
    "'sha256-"
    + base64.b64encode(hashlib.sha256(FRAME_BOOT_SCRIPT.encode()).digest()).decode()
    + "'"
)


def mark_player_on_page(request: HttpRequest | None) -> None:
    if request is not None:
        request.h5p_player_on_page = True  # type: ignore[attr-defined]


class H5PPlayerPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "h5p_player_on_page", False):
            update = dict(getattr(response, "_csp_update", None) or {})
            update["script-src"] = [*update.get("script-src", []), FRAME_BOOT_HASH]
            response._csp_update = update  # type: ignore[attr-defined]
        return response
