"""Reads for kiosks: the device behind a cookie, how long sign-in is locked, and the
kiosks and open registration codes of the facilities a staff member manages."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from lms.core.models import Facility

from .models import Device, RegistrationCode, SignInFailure, token_hash


def device_from_token(token: str | None) -> Device | None:
    """The active device a cookie token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    # Asked on every request from a kiosk: one row by a unique column, no joins (the few
    # views that need the facility or unit load them).
    matches = list(Device.objects.active().filter(token_hash=token_hash(token))[:1])
    return matches[0] if matches else None


def lockout_seconds(*, device: Device, prisoner_number: str, since: datetime | None = None) -> int:
    """Seconds until sign-in may be tried again on this device or for this number (0:
    not locked). A number is locked after ``KIOSK_LOCKOUT_ACCOUNT_FAILURES`` failures in
    the window (counted since its last good sign-in); a device after
    ``KIOSK_LOCKOUT_DEVICE_FAILURES`` failures for any numbers."""
    now = timezone.now()
    window = timedelta(minutes=settings.KIOSK_LOCKOUT_MINUTES)
    start = now - window
    waits = [0]
    checks = [
        (
            SignInFailure.objects.filter(prisoner_number=prisoner_number),
            settings.KIOSK_LOCKOUT_ACCOUNT_FAILURES,
        ),
        (SignInFailure.objects.filter(device=device), settings.KIOSK_LOCKOUT_DEVICE_FAILURES),
    ]
    for queryset, limit in checks:
        times = list(
            queryset.filter(at__gt=max(start, since) if since else start)
            .order_by("-at")
            .values_list("at", flat=True)[:limit]
        )
        if len(times) >= limit:
            waits.append(math.ceil((times[-1] + window - now).total_seconds()))
    return max(waits)


def devices_for_facilities(facilities: QuerySet[Facility]) -> QuerySet[Device]:
    """The kiosks of ``facilities`` (the admin list), with facility and unit loaded."""
    return Device.objects.filter(facility__in=facilities).select_related("facility", "unit")


def open_registration_codes(facilities: QuerySet[Facility]) -> QuerySet[RegistrationCode]:
    """Up to 50 registration codes of ``facilities`` not yet used (the admin list)."""
    return RegistrationCode.objects.filter(
        facility__in=facilities, used_at__isnull=True
    ).select_related("facility", "unit")[:50]
