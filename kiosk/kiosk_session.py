"""Session rules on a kiosk: who may be signed in there, idle timeout counted from real
activity, an absolute cap, and the pages a kiosk may open at all.

Keys kept in the session (and nowhere else): the device the session was opened on (and
the digest of the device cookie it was opened with), when it was opened, when the person
last did something, and the language they chose.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest
from django.utils import translation

from lms.core import activity

DEVICE_KEY = "kiosk_device"
# The digest of the device cookie the session was signed in with: a session is bound to
# that cookie, not only to the device (a sign-out rebinds the device to a new cookie).
DEVICE_TOKEN_KEY = "kiosk_device_token"  # noqa: S105 - a session key's name
SIGNED_IN_AT_KEY = "kiosk_signed_in_at"
ACTIVITY_KEY = "kiosk_last_activity"
LANGUAGE_KEY = "kiosk_language"
PIN_CHANGE_KEY = "kiosk_must_change_pin"

# Requests the page makes on its own (progress retries, time reports) say so with this
# header; they never count as activity, so an abandoned screen still times out.
BACKGROUND_HEADER = activity.BACKGROUND_HEADER

# What a kiosk may open; everything else is refused (deny by default). Wagtail's
# learning pages live under the language prefixes.
KIOSK_ALLOWED_PREFIXES = (
    "/kiosk/",
    "/learn/",
    "/static/",
    "/documents/",
    "/images/",  # lesson images, through the audience-checked image view
    "/h5p/",  # H5P player files, statements and saved state (checked per lesson)
    "/healthz/",
)
# What a kiosk may open before anyone signs in.
KIOSK_PUBLIC_PREFIXES = ("/kiosk/", "/static/", "/healthz/")


def language_prefixes() -> tuple[str, ...]:
    return tuple(f"/{code}/" for code, _name in settings.LANGUAGES)


def kiosk_may_open(path: str) -> bool:
    return path.startswith(KIOSK_ALLOWED_PREFIXES + language_prefixes())


def is_background(request: HttpRequest) -> bool:
    # Range requests come from a video or audio player fetching as it plays, not from
    # the person: a film left running must not hold an abandoned session open.
    return activity.is_background(request)


def session_start(
    request: HttpRequest, *, device_id: str, device_token_hash: str, must_change_pin: bool
) -> None:
    now = time.time()
    request.session[DEVICE_KEY] = device_id
    request.session[DEVICE_TOKEN_KEY] = device_token_hash
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[ACTIVITY_KEY] = now
    request.session[PIN_CHANGE_KEY] = must_change_pin
    # Until the browser closes at the latest; the server's own clock decides the rest.
    request.session.set_expiry(settings.KIOSK_SESSION_MAX_SECONDS)


def session_expired_reason(request: HttpRequest) -> str | None:
    """ "idle" or "cap" when the kiosk session has run out, else None."""
    now = time.time()
    signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
    last = request.session.get(ACTIVITY_KEY)
    if signed_in_at is None or last is None:
        return "idle"
    if now - signed_in_at > settings.KIOSK_SESSION_MAX_SECONDS:
        return "cap"
    if now - last > settings.KIOSK_IDLE_SECONDS + idle_slack():
        return "idle"
    return None


# The page reports touches to the server at most this often (kiosk.js: activity()).
ACTIVITY_REPORT_SECONDS = 20


def idle_slack() -> float:
    """How far the server's idle clock may lag the person's last touch: a page load within
    the granularity is not written, and the page reports touches only every so often. The
    server allows that much beyond the idle timeout, so it never ends a session before the
    page's own countdown (which counts every touch) does."""
    return activity_granularity() + min(ACTIVITY_REPORT_SECONDS, settings.KIOSK_IDLE_SECONDS / 3)


def activity_granularity() -> float:
    """How often, at most, a person's requests move the server's idle clock (seconds).

    Moving it on every request would write the session on every page; moving it at most
    every few seconds saves those writes (the idle limit allows for it: ``idle_slack``).
    """
    return min(15.0, settings.KIOSK_IDLE_SECONDS / 20)


def activity_touch(request: HttpRequest, *, force: bool = False) -> None:
    """Move the idle clock (at most every ``activity_granularity()``; always with
    ``force``, for the page's own activity reports and "I am still here")."""
    now = time.time()
    if force or now - request.session.get(ACTIVITY_KEY, 0) >= activity_granularity():
        request.session[ACTIVITY_KEY] = now


def seconds_left(request: HttpRequest) -> int:
    """Seconds until this session ends, whichever rule comes first."""
    now = time.time()
    idle = settings.KIOSK_IDLE_SECONDS - (now - request.session.get(ACTIVITY_KEY, now))
    cap = settings.KIOSK_SESSION_MAX_SECONDS - (now - request.session.get(SIGNED_IN_AT_KEY, now))
    return max(0, int(min(idle, cap)))


def session_end(request: HttpRequest) -> None:
    """Sign out and flush every key (language included): nothing is left for the next
    person."""
    logout(request)
    request.session.flush()


def activate_session_language(request: HttpRequest) -> None:
    """A language chosen on the kiosk lasts for the session only (never a cookie the next
    person inherits). Until the person chooses, the kiosk's own language applies
    (``Device.language``: Kazakh in a Kazakh-speaking unit). Pages under a language
    prefix keep their own language."""
    device = getattr(request, "kiosk", None)
    language = request.session.get(LANGUAGE_KEY) or (device.language if device else "")
    if language and not request.path_info.startswith(language_prefixes()):
        translation.activate(language)
        request.LANGUAGE_CODE = language


def cap_seconds_left(request: HttpRequest) -> int:
    now = time.time()
    signed_in_at = request.session.get(SIGNED_IN_AT_KEY, now)
    return max(0, int(settings.KIOSK_SESSION_MAX_SECONDS - (now - signed_in_at)))
