"""System checks of our own: deployment checks (``manage.py check --deploy``: what a
production instance must have configured before people use it) and the stored-names check
(registered with the database tag in ``CoreConfig.ready``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from .email_url import SMTP_BACKEND, email_settings
from .names import names_with_bidi_controls_q

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


@register(Tags.security, deploy=True)
def public_base_url_set(app_configs, **kwargs) -> list[Error]:
    """Links that leave the request (certificate QR codes, password reset mails) use
    QADAM_BASE_URL: in production it must be the public HTTPS address."""
    url = urlsplit(settings.QADAM_BASE_URL)
    if url.scheme != "https" or (url.hostname or "") in LOCAL_HOSTS:
        return [
            Error(
                f"QADAM_BASE_URL is {settings.QADAM_BASE_URL!r}: set it to the public "
                "https:// address of this instance.",
                id="qadam.E101",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def email_configured(app_configs, **kwargs) -> list[Error]:
    """Password reset mails must reach people: production needs EMAIL_URL, with a scheme
    we know (lms.core.email_url) and that actually sends mail."""
    if settings.EMAIL_URL:
        try:
            conf = email_settings(settings.EMAIL_URL, timeout=settings.EMAIL_TIMEOUT)
        except ImproperlyConfigured as error:
            return [Error(str(error), id="qadam.E102")]
        if conf.get("EMAIL_BACKEND") != SMTP_BACKEND:
            return [
                Error(
                    f"EMAIL_URL {settings.EMAIL_URL.split(':', 1)[0]}:// sends no mail: "
                    "use smtp+tls:// or smtp+ssl:// in production.",
                    id="qadam.E102",
                )
            ]
    if not settings.EMAIL_URL or settings.EMAIL_BACKEND.endswith(("console.EmailBackend",)):
        return [
            Error(
                "E-mail is not configured: set EMAIL_URL (for example "
                "smtp+tls://user:password@mail.example.org:587) and DEFAULT_FROM_EMAIL.",
                id="qadam.E102",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def second_factor_enforced(app_configs, **kwargs) -> list[Error]:
    """Staff who see people or publish must pass a second factor in production."""
    if not settings.QADAM_MFA_REQUIRED:
        return [Error("QADAM_MFA_REQUIRED must be on in production.", id="qadam.E103")]
    return []


def existing_names_check(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    """A system check (database tag): people whose stored names still hold
    bidirectional controls."""
    from django.core.checks import Warning

    if not databases:
        return []
    from django.db import connections

    from .models import User  # imported late: checks load with the app registry

    count = 0
    for alias in databases:
        # ``migrate`` runs the checks before it creates the tables of a new database.
        if User._meta.db_table not in connections[alias].introspection.table_names():
            continue
        count += User.objects.using(alias).filter(names_with_bidi_controls_q()).count()
    if not count:
        return []
    return [
        Warning(
            f"{count} people have bidirectional control characters in their names.",
            hint="Saving each person strips them (User.save); or run the data migration "
            "core.0003_names_without_bidi_controls again.",
            id="qadam.W001",
        )
    ]
