"""Reads for kiosks: the device behind a cookie, how long sign-in is locked, and the
kiosks and open registration codes of the facilities a staff member manages."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from lms.core.access_memo import remembered
from lms.core.models import Facility

from .models import Device, RegistrationCode, SignInFailure, token_hash


def device_from_token(token: str | None) -> Device | None:
    """The active device a cookie token belongs to, or None.

    Asked on every request from a kiosk: kept per process under the access version
    (``lms.core.access_memo``), which registering, moving or revoking a kiosk replaces
    (``kiosk.apps``). Rebinding it at sign-out does not: a process may still find a kiosk
    by its previous cookie, so sign-in and the rebind link check the cookie in the
    database (``kiosk.services``). Unknown and revoked tokens are not kept: each asks the
    database, as a guessed cookie should."""
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)

    def load() -> Device | None:
        # One row by a unique column, no joins (the few views that need the facility or
        # unit load them).
        matches = list(Device.objects.active().filter(token_hash=digest).order_by()[:1])
        return matches[0] if matches else None

    return remembered(Device, ("token", digest), load)


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.KIOSK_LOCKOUT_MINUTES)


def _device_count_start(device: Device) -> datetime:
    """Failed sign-ins on ``device`` count from here: the lockout window, or an officer's
    later lift (``Device.lockout_lifted_at``)."""
    return max(filter(None, [_window_start(), device.lockout_lifted_at]))


def device_failures_counted(device: Device) -> QuerySet[SignInFailure]:
    """The failed sign-ins that count towards this kiosk's own lockout."""
    return SignInFailure.objects.filter(device=device, at__gt=_device_count_start(device))


def _failure_checks(*, device: Device, prisoner_number: str, since: datetime | None):
    """The two lockout counts: (failures counted, limit) per number and per device.

    Failures count within the window, after the number's last good sign-in (``since``),
    and after an officer last lifted this kiosk's lockout."""
    account_start = max(filter(None, [_device_count_start(device), since]))
    return [
        (
            SignInFailure.objects.filter(prisoner_number=prisoner_number, at__gt=account_start),
            settings.KIOSK_LOCKOUT_ACCOUNT_FAILURES,
        ),
        (device_failures_counted(device), settings.KIOSK_LOCKOUT_DEVICE_FAILURES),
    ]


def lockout_seconds(*, device: Device, prisoner_number: str, since: datetime | None = None) -> int:
    """Seconds until sign-in may be tried again on this device or for this number (0:
    not locked). A number is locked after ``KIOSK_LOCKOUT_ACCOUNT_FAILURES`` failures in
    the window (counted since its last good sign-in); a device after
    ``KIOSK_LOCKOUT_DEVICE_FAILURES`` failures for any numbers. An officer's lift
    (``Device.lockout_lifted_at``) starts both counts again on this kiosk."""
    now = timezone.now()
    window = timedelta(minutes=settings.KIOSK_LOCKOUT_MINUTES)
    waits = [0]
    for queryset, limit in _failure_checks(
        device=device, prisoner_number=prisoner_number, since=since
    ):
        times = list(queryset.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            waits.append(math.ceil((times[-1] + window - now).total_seconds()))
    return max(waits)


def tries_left(*, device: Device, prisoner_number: str, since: datetime | None = None) -> int:
    """How many more wrong tries lock sign-in (for this number or on this kiosk)."""
    return max(
        0,
        min(
            limit - queryset.count()
            for queryset, limit in _failure_checks(
                device=device, prisoner_number=prisoner_number, since=since
            )
        ),
    )


def devices_for_facilities(facilities: QuerySet[Facility]) -> QuerySet[Device]:
    """The kiosks of ``facilities`` (the admin list), with facility and unit loaded, and
    ``is_locked``: an active kiosk locked for everyone by failed sign-ins, counted as
    ``device_failures_counted`` counts them, in the same query for every kiosk."""
    start = Value(_window_start())
    counted = Count(
        "failures",
        filter=Q(failures__at__gt=Greatest(start, Coalesce("lockout_lifted_at", start))),
    )
    locked = When(
        revoked_at__isnull=True,
        failures_counted__gte=settings.KIOSK_LOCKOUT_DEVICE_FAILURES,
        then=Value(True),
    )
    return (
        Device.objects.filter(facility__in=facilities)
        .select_related("facility", "unit")
        .annotate(failures_counted=counted)
        .annotate(is_locked=Case(locked, default=Value(False), output_field=BooleanField()))
    )


def open_registration_codes(facilities: QuerySet[Facility]) -> QuerySet[RegistrationCode]:
    """Up to 50 registration codes of ``facilities`` not yet used (the admin list)."""
    return RegistrationCode.objects.filter(
        facility__in=facilities, used_at__isnull=True
    ).select_related("facility", "unit")[:50]
