"""Deployment checks (``manage.py check --deploy``): what a production instance must have
configured before people use it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

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
    """Password reset mails must reach people: production needs EMAIL_URL."""
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
