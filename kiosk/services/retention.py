"""Retention of failed kiosk sign-ins: the cut-off and the purge (run daily by beat, or
by ``manage.py kiosk_purge_failures``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lms.core.audit import audit_record
from lms.core.models import User

from ..models import Device, SignInFailure


def sign_in_failures_cutoff(*, retention_days: int | None = None) -> datetime:
    """Failed sign-ins before this moment are past retention: ``retention_days`` (default
    ``KIOSK_FAILURE_RETENTION_DAYS``) ago, but never inside the lockout window, whose rows
    are what lockout counts."""
    days = settings.KIOSK_FAILURE_RETENTION_DAYS if retention_days is None else retention_days
    if days < 1:
        raise ValueError("Keep failed kiosk sign-ins for at least one day.")
    keep = max(timedelta(days=days), timedelta(minutes=settings.KIOSK_LOCKOUT_MINUTES))
    return timezone.now() - keep


def sign_in_failures_purge(*, actor: User | None, retention_days: int | None = None) -> int:
    """Delete the failed kiosk sign-ins (prisoner numbers typed) older than the retention
    period; return how many. ``actor`` is the operator, or None when beat runs it.

    Kiosk by kiosk, each in its own short transaction (a first purge of a long backlog
    does not hold the database's write lock for long) that also writes one
    ``kiosk.failures_purge`` audit event naming how many rows went and up to when. Rows
    inside the lockout window are never deleted, so a purge never lifts a lockout.
    Idempotent: a second run finds nothing to delete and writes nothing.
    """
    cutoff = sign_in_failures_cutoff(retention_days=retention_days)
    device_ids = set(
        SignInFailure.objects.filter(at__lt=cutoff)
        .order_by()
        .values_list("device_id", flat=True)
        .distinct()
    )
    total = 0
    for device in Device.objects.filter(pk__in=device_ids).select_related("facility"):
        with transaction.atomic():
            deleted, _by_model = SignInFailure.objects.filter(device=device, at__lt=cutoff).delete()
            if deleted:
                audit_record(
                    actor=actor,
                    action="kiosk.failures_purge",
                    obj=device,
                    after={"deleted": deleted, "older_than": cutoff.isoformat()},
                    facility=device.facility,
                )
        total += deleted
    return total
