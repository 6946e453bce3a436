"""What the signed-in floor pays for, in process (bench/README.md, "Signed-in floor profile").

Not part of ``make bench``: no server, no wrk. Requests go through ``django.test.Client``
(the whole middleware stack, no socket) against the bench's trivial views, on PostgreSQL
with persistent connections and, with CACHE_URL, sessions in Redis (``cached_db``), as in
production. Every figure is a ratio against the bare view measured right before and after
it in the same process, so the shared machine's load mostly cancels out.

    DATABASE_URL=postgres://...  CACHE_URL=redis://...  QADAM_MFA_REQUIRED=1 \\
        .venv/bin/python -m bench.floor_profile [requests per figure, default 2000]

The database named in DATABASE_URL is dropped and created again. Prints a JSON report.
"""

from __future__ import annotations

import contextlib
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
sys.path.insert(0, str(ROOT))

FLOOR = "/learn/bench-signed-in/"
BARE = "/bench/bare/"


def setup() -> None:
    import django

    from bench.run import recreate_database

    recreate_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def session_cookies(user, device=None) -> dict[str, str]:
    """A signed-in session of ``user`` in the configured store (a kiosk session on
    ``device``, a ``(device, token)`` pair), as the sign-in views leave it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from kiosk import kiosk_session as ks
    from lms.core import staff_sessions

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = time.time()
    cookies = {}
    if device is None:
        store[BACKEND_SESSION_KEY] = "lms.core.backends.StaffPasswordBackend"
        store[staff_sessions.SIGNED_IN_AT_KEY] = now
        store[staff_sessions.ACTIVITY_KEY] = now
    else:
        device, token = device
        store[BACKEND_SESSION_KEY] = "lms.core.backends.KioskBackend"
        store[ks.DEVICE_KEY] = str(device.pk)
        store["kiosk_device_token"] = device.token_hash  # ks.DEVICE_TOKEN_KEY (not on main)
        store[ks.SIGNED_IN_AT_KEY] = now
        store[ks.ACTIVITY_KEY] = now
        store[ks.PIN_CHANGE_KEY] = False
        store.set_expiry(settings.KIOSK_SESSION_MAX_SECONDS)
        cookies[settings.KIOSK_DEVICE_COOKIE] = token
    store.create()
    cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return cookies


def seed() -> dict:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kiosk.services import devices
    from tests import factories

    facility = factories.FacilityFactory(code="floor", name="Floor facility")
    admin = factories.UserFactory(role="administrator", facility=None, username="flooradmin")
    _row, code = devices.registration_code_create(
        actor=admin, facility=facility, unit=None, device_name="Floor kiosk"
    )
    kiosk = devices.device_register(code=code)
    prisoner = factories.PrisonerFactory(facility=facility)
    officer = factories.OfficerFactory(facility=facility)
    otp = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    staff_learner = factories.UserFactory(facility=facility)

    def staff(user, verified_with=None) -> dict[str, str]:
        from importlib import import_module

        from django.conf import settings

        cookies = session_cookies(user)
        if verified_with is not None:
            store = import_module(settings.SESSION_ENGINE).SessionStore(
                session_key=cookies[settings.SESSION_COOKIE_NAME]
            )
            store[DEVICE_ID_SESSION_KEY] = verified_with.persistent_id
            store.save()
        return cookies

    return {
        "kiosk": lambda: session_cookies(prisoner, kiosk),
        "officer": lambda: staff(officer, otp),
        "staff_learner": lambda: staff(staff_learner),
        "anonymous": dict,
    }


def client(cookies: dict[str, str]):
    from django.test import Client

    c = Client()
    for name, value in cookies.items():
        c.cookies[name] = value
    return c


def get(c, path: str):
    """One request as the WSGI handler makes it: the test client leaves out Django's
    ``close_old_connections`` at the request's start and end, which is where a
    persistent connection is marked for its health check (a SELECT 1 before the
    request's first query)."""
    from django.db import close_old_connections

    close_old_connections()
    response = c.get(path)
    close_old_connections()
    return response


def run(c, path: str, n: int) -> float:
    """Seconds per request over ``n`` requests (after a few to warm up)."""
    for _ in range(20):
        get(c, path)
    start = time.perf_counter()
    for _ in range(n):
        response = get(c, path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed / n


def ratio(make_client, path: str, n: int, rounds: int = 3) -> dict:
    """The figure's speed as a fraction of the bare view's, bare measured around it."""
    bare = client({})
    ratios, costs = [], []
    for _ in range(rounds):
        before = run(bare, BARE, n // 2)
        figure = run(make_client(), path, n)
        after = run(bare, BARE, n // 2)
        base = (before + after) / 2
        ratios.append(base / figure)
        costs.append((figure - base) * 1e6)
    return {
        "ratio_to_bare": round(statistics.median(ratios), 3),
        "over_bare_us": round(statistics.median(costs)),
    }


def queries(make_client, path: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = make_client()
    c.get(path)
    c.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert c.get(path).status_code == 200
    return [query["sql"][:90] for query in captured.captured_queries]


def paired(make_client, path: str, switch, blocks: int = 8, size: int = 250) -> dict:
    """The floor with ``switch(True)`` against ``switch(False)``, in alternating blocks
    (so the machine's load falls on both alike): microseconds per request it saves."""
    times: dict[bool, list[float]] = {True: [], False: []}
    for block in range(blocks):
        for on in (True, False) if block % 2 else (False, True):
            with switch(on):
                times[on].append(run(make_client(), path, size))
    on, off = statistics.median(times[True]), statistics.median(times[False])
    return {
        "us_per_request_on": round(on * 1e6),
        "us_per_request_off": round(off * 1e6),
        "saved_us": round((on - off) * 1e6),
    }


def health_checks(on: bool):
    from django.db import connection

    @contextlib.contextmanager
    def switched():
        connection.close()
        connection.settings_dict["CONN_HEALTH_CHECKS"] = on
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["CONN_HEALTH_CHECKS"] = True

    return switched()


def db_sessions(on: bool):
    """``on``: the configured store (cached_db, Redis); off: the database alone."""
    from django.test import override_settings

    if on:
        return contextlib.nullcontext()
    return override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")


# What the floor's time goes to, by function (file fragment, function name); cumulative
# time per request within one cProfile run, as a share of the request.
PARTS = {
    "whole request (ClientHandler.__call__)": ("django/test/client.py", "__call__"),
    "connection health check (is_usable: SELECT 1)": ("postgresql/base.py", "is_usable"),
    "session read (SessionStore.load)": ("sessions/backends/cached_db.py", "load"),
    "session read, database (db.SessionStore.load)": ("sessions/backends/db.py", "load"),
    "the person (auth.get_user, memo included)": ("django/contrib/auth/__init__.py", "get_user"),
    "auth hash (get_session_auth_hash)": ("contrib/auth/base_user.py", "get_session_auth_hash"),
    "both tokens (serving._read_tokens)": ("lms/core/serving.py", "_read_tokens"),
    "kiosk device (device_from_token, memo included)": ("kiosk/selectors.py", "device_from_token"),
    "request.user (OTP _verify_user_sync: the person, the session, the device)": (
        "django_otp/middleware.py",
        "_verify_user_sync",
    ),
    "SecurityMiddleware.process_request": ("middleware/security.py", "process_request"),
    "SecurityMiddleware.process_response": ("middleware/security.py", "process_response"),
    "WhiteNoiseMiddleware.__call__ (with all inside it)": ("whitenoise/middleware.py", "__call__"),
    "CSPMiddleware.process_response": ("csp/middleware.py", "process_response"),
    "CSPMiddleware.process_request": ("csp/middleware.py", "process_request"),
    "SessionMiddleware.process_response": ("sessions/middleware.py", "process_response"),
    "LocaleMiddleware.process_request": ("django/middleware/locale.py", "process_request"),
    "LocaleMiddleware.process_response (ours)": ("lms/core/middleware.py", "process_response"),
    "RefuseNulMiddleware (with all inside it)": ("lms/core/bad_input.py", "__call__"),
    "CommonMiddleware.process_request": ("django/middleware/common.py", "process_request"),
    "CommonMiddleware.process_response": ("django/middleware/common.py", "process_response"),
    "CsrfViewMiddleware.process_view": ("django/middleware/csrf.py", "process_view"),
    "CsrfViewMiddleware.process_request": ("django/middleware/csrf.py", "process_request"),
    "CsrfViewMiddleware.process_response": ("django/middleware/csrf.py", "process_response"),
    "MessageMiddleware.process_response": ("contrib/messages/middleware.py", "process_response"),
    "XFrameOptionsMiddleware.process_response": ("middleware/clickjacking.py", "process_response"),
    "RedirectMiddleware.process_response": ("redirects/middleware.py", "process_response"),
    "KioskMiddleware.__call__ (with all inside it)": ("kiosk/middleware.py", "__call__"),
    "StaffSessionMiddleware.__call__ (with Axes and the view)": (
        "lms/core/staff_sessions.py",
        "__call__",
    ),
    "AxesMiddleware.__call__ (with the view)": ("axes/middleware.py", "__call__"),
    "mfa_required_for": ("lms/core/staff_sessions.py", "mfa_required_for"),
    "the view": ("bench/views.py", "signed_in"),
    "close_old_connections (both ends)": ("django/db/__init__.py", "close_old_connections"),
}


def profile(make_client, path: str, n: int) -> dict:
    c = make_client()
    run(c, path, 50)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        get(c, path)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for name, (fragment, function) in PARTS.items():
        cumulative = sum(
            ct
            for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.items()
            if func == function and fragment in filename
        )
        if cumulative:
            found[name] = cumulative / n * 1e6
    whole = found.get("whole request (ClientHandler.__call__)") or 1
    return {name: f"{us:.0f} us, {us / whole:.0%}" for name, us in found.items()}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    setup()
    from django.conf import settings

    people = seed()
    report: dict = {
        "settings": {
            "SESSION_ENGINE": settings.SESSION_ENGINE,
            "CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
            "QADAM_MFA_REQUIRED": settings.QADAM_MFA_REQUIRED,
            "requests_per_figure": n,
        },
        "queries": {
            name: queries(lambda name=name: client(people[name]()), FLOOR)
            for name in ("kiosk", "officer", "staff_learner")
        },
    }

    floors = {}
    for name in ("kiosk", "officer", "staff_learner"):
        floors[name] = ratio(lambda name=name: client(people[name]()), FLOOR, n)
    report["floor"] = floors

    # The connection health check: a SELECT 1 round trip before the first query of every
    # request (not in the query counts: it bypasses Django's cursor wrappers).
    blocks = max(2, n // 250)
    report["health_check"] = {
        name: paired(lambda name=name: client(people[name]()), FLOOR, health_checks, blocks)
        for name in ("kiosk", "officer")
    }
    if settings.SESSION_ENGINE.endswith("cached_db"):
        report["cached_db_sessions_against_db"] = {
            name: paired(lambda name=name: client(people[name]()), FLOOR, db_sessions, blocks)
            for name in ("kiosk", "officer")
        }

    # The auth hash: Django checks the session's hash against the user's on every request.
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(role="education_officer").first()
    start = time.perf_counter()
    for _ in range(20000):
        user.get_session_auth_hash()
    report["auth_hash_us"] = round((time.perf_counter() - start) / 20000 * 1e6, 2)

    # One round trip each, alone: the health check's SELECT 1 and the tokens' query.
    from django.db import connection

    from lms.core import serving

    connection.ensure_connection()
    for name, call in (
        ("health_check_select_1_us", connection.is_usable),
        ("tokens_query_us", serving._read_tokens),
    ):
        start = time.perf_counter()
        for _ in range(2000):
            call()
        report[name] = round((time.perf_counter() - start) / 2000 * 1e6)

    report["profile_officer"] = profile(lambda: client(people["officer"]()), FLOOR, n)
    report["profile_kiosk"] = profile(lambda: client(people["kiosk"]()), FLOOR, n)
    report["profile_staff_learner"] = profile(lambda: client(people["staff_learner"]()), FLOOR, n)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
