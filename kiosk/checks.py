"""Settings checks for kiosks (``manage.py check`` and every start)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def failure_retention_outlasts_lockout(app_configs, **kwargs) -> list[Error]:
    """Failed sign-ins are what lockout counts: keeping them for less than the lockout
    window would let the purge lift lockouts early."""
    days = settings.KIOSK_FAILURE_RETENTION_DAYS
    if days < 1 or days * 24 * 60 <= settings.KIOSK_LOCKOUT_MINUTES:
        return [
            Error(
                f"KIOSK_FAILURE_RETENTION_DAYS ({days}) must be at least 1 and longer than "
                f"the lockout window KIOSK_LOCKOUT_MINUTES ({settings.KIOSK_LOCKOUT_MINUTES}).",
                id="kiosk.E001",
            )
        ]
    return []
