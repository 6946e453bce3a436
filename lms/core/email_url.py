"""EMAIL_URL, the one e-mail setting, turned into Django's EMAIL_* settings.

dj-email-url parses the URL, but it knows only its own schemes (``smtp``, ``submission``,
``smtps``...) and silently leaves TLS and SSL off for any other, and it sets
EMAIL_TIMEOUT to None when the URL has no ``?timeout=``. We accept the schemes our
documentation gives, say what each means, and refuse every other with
ImproperlyConfigured rather than send mail in the clear or not at all.

Imported by the settings: no Django models here.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# Our scheme -> (dj-email-url's scheme to parse it as, what must be switched on).
SCHEMES: dict[str, tuple[str, str | None]] = {
    "smtp": ("smtp", None),  # plain SMTP (port 25): only inside a trusted network
    "smtp+tls": ("submission", "EMAIL_USE_TLS"),  # STARTTLS, port 587
    "submission": ("submission", "EMAIL_USE_TLS"),
    "smtp+ssl": ("smtp", "EMAIL_USE_SSL"),  # implicit TLS, port 465
    "console": ("console", None),
    "memory": ("memory", None),
    "dummy": ("dummy", None),
}
DEFAULT_PORTS = {"EMAIL_USE_TLS": 587, "EMAIL_USE_SSL": 465}


def email_settings(url: str, *, timeout: int) -> dict:
    """The EMAIL_* settings for ``url`` (e.g. ``smtp+tls://user:pw@host:587``), with
    EMAIL_TIMEOUT ``timeout`` unless the URL sets ``?timeout=``. Raises
    ImproperlyConfigured for a scheme not in SCHEMES."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in SCHEMES:
        known = ", ".join(f"{name}://" for name in SCHEMES)
        raise ImproperlyConfigured(
            f"EMAIL_URL has the scheme {scheme + '://' if scheme else '(none)'!r}, which "
            f"Qadam does not know: use one of {known} (e.g. "
            "smtp+tls://user:password@mail.example.org:587)."
        )
    parse_as, switch = SCHEMES[scheme]
    conf = dj_email_url.parse(parse_as + url[len(scheme) :])
    if switch:
        conf["EMAIL_USE_TLS"] = switch == "EMAIL_USE_TLS"
        conf["EMAIL_USE_SSL"] = switch == "EMAIL_USE_SSL"
        if conf.get("EMAIL_PORT") in (None, 25):
            conf["EMAIL_PORT"] = urlsplit(url).port or DEFAULT_PORTS[switch]
    if "timeout" not in parse_qs(urlsplit(url).query):
        conf["EMAIL_TIMEOUT"] = timeout
    return conf
