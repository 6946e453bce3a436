"""Kiosk devices: one-time registration codes, registering a browser as a kiosk,
renaming, moving and revoking it, and giving it its cookie back after sign-out."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.audit import audit_record
from lms.core.models import Facility, Unit, User

from ..models import (
    Device,
    RegistrationCode,
    new_device_token,
    new_registration_code,
    normalise_code,
    token_hash,
)
from ..permissions import kiosk_facilities_for
from ..selectors import device_failures_counted
from .errors import NotAllowed


def registration_code_create(
    *, actor: User, facility: Facility, unit: Unit | None, device_name: str
) -> tuple[RegistrationCode, str]:
    """Create a one-time registration code for a kiosk of ``facility``; return the row and
    the code in clear (shown once, never stored). Administrators for any facility,
    education officers for the facilities they manage."""
    if not kiosk_facilities_for(actor).filter(pk=facility.pk).exists():
        raise NotAllowed(_("You may not register kiosks for this facility."))
    if unit is not None and unit.facility_id != facility.pk:
        raise NotAllowed(_("This unit belongs to another facility."))
    code = new_registration_code()
    with transaction.atomic():
        row = RegistrationCode.objects.create(
            code_hash=token_hash(code),
            facility=facility,
            unit=unit,
            device_name=device_name.strip()[:100],
            created_by=actor,
            expires_at=timezone.now() + timedelta(hours=settings.KIOSK_REGISTRATION_CODE_HOURS),
        )
        audit_record(
            actor=actor,
            action="kiosk.code_create",
            obj=row,
            after={"device_name": row.device_name, "unit": unit.pk if unit else None},
            facility=facility,
        )
    return row, code


def device_register(*, code: str) -> tuple[Device, str]:
    """Turn a registration code into a device; return the device and its token in clear
    (for the cookie). The code works once and before it expires. The audit row names the
    staff member who created the code."""
    digest = token_hash(normalise_code(code))
    with transaction.atomic():
        row = (
            RegistrationCode.objects.select_for_update()
            .select_related("facility", "created_by")
            .filter(code_hash=digest)
            .first()
        )
        if row is None or not row.is_usable:
            raise NotAllowed(_("This code does not work. Ask for a new one."))
        token = new_device_token()
        device = Device.objects.create(
            facility=row.facility,
            unit=row.unit,
            name=row.device_name,
            token_hash=token_hash(token),
            created_by=row.created_by,
            language=row.facility.language,  # the facility's kiosk language, to begin with
        )
        row.used_at = timezone.now()
        row.device = device
        row.save(update_fields=["used_at", "device"])
        audit_record(
            actor=row.created_by,
            action="kiosk.register",
            obj=device,
            after=device.snapshot(),
            facility=device.facility,
        )
    return device, token


def _managed_device(actor: User, device: Device) -> Device:
    device = Device.objects.select_for_update().get(pk=device.pk)
    if not kiosk_facilities_for(actor).filter(pk=device.facility_id).exists():
        raise NotAllowed(_("You may not change this kiosk."))
    return device


def device_update(
    *,
    actor: User,
    device: Device,
    name: str,
    facility: Facility,
    unit: Unit | None,
    language: str | None = None,
) -> Device:
    """Rename or move a kiosk (within facilities the actor manages), and set the
    language its screens start in (``None``: leave it as it is)."""
    if not kiosk_facilities_for(actor).filter(pk=facility.pk).exists():
        raise NotAllowed(_("You may not move kiosks to this facility."))
    if unit is not None and unit.facility_id != facility.pk:
        raise NotAllowed(_("This unit belongs to another facility."))
    with transaction.atomic():
        device = _managed_device(actor, device)
        before = device.snapshot()
        device.name, device.facility, device.unit = name.strip()[:100], facility, unit
        if language is not None:
            device.language = language if language in dict(settings.LANGUAGES) else ""
        device.save(update_fields=["name", "facility", "unit", "language"])
        audit_record(
            actor=actor,
            action="kiosk.update",
            obj=device,
            before=before,
            after=device.snapshot(),
            facility=facility,
        )
    return device


def device_revoke(*, actor: User, device: Device) -> Device:
    """Revoke a kiosk: its next request is refused and its session ended. Idempotent."""
    with transaction.atomic():
        device = _managed_device(actor, device)
        if device.revoked_at is not None:
            return device
        before = device.snapshot()
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="kiosk.revoke",
            obj=device,
            before=before,
            after=device.snapshot(),
            facility=device.facility,
        )
    return device


def device_lockout_lift(*, actor: User, device: Device) -> Device:
    """Lift this kiosk's sign-in lockout now: failed tries made on it so far no longer
    count (for the kiosk, and for the numbers typed on it). Audited
    (``kiosk.lockout_lift``) with how many recent failures were set aside."""
    with transaction.atomic():
        device = _managed_device(actor, device)
        now = timezone.now()
        set_aside = device_failures_counted(device).count()
        before = {"lockout_lifted_at": _iso(device.lockout_lifted_at)}
        device.lockout_lifted_at = now
        device.save(update_fields=["lockout_lifted_at"])
        audit_record(
            actor=actor,
            action="kiosk.lockout_lift",
            obj=device,
            before=before,
            after={"lockout_lifted_at": _iso(now), "failures_set_aside": set_aside},
            facility=device.facility,
        )
    return device


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def device_rebind_issue(*, device: Device) -> str | None:
    """A one-time token, valid for a minute, with which the device takes its cookie back
    after sign-out cleared every cookie of the site. Not audited (no change of state that
    matters; the sign-out itself is).

    Only for the device's current cookie (``device.token_hash``, checked in the database
    by the update itself): a process may still know a cookie rebound since (a rebind does
    not replace the access token), and that old cookie must not win a new one. None when
    the cookie is not the active device's current one."""
    token = new_device_token()
    issued = (
        Device.objects.active()
        .filter(pk=device.pk, token_hash=device.token_hash)
        .update(
            rebind_hash=token_hash(token),
            rebind_expires_at=timezone.now() + timedelta(minutes=1),
        )
    )
    return token if issued else None


def device_rebind(*, device_id: str, token: str) -> tuple[Device, str] | None:
    """Use a rebind token: give the device a fresh cookie token (the old one stops
    working). Returns None when the token is wrong, used or expired.

    The ordinary end of every kiosk sign-out, so it does not replace the access token
    (``kiosk.apps``: ``token_hash`` with the rebind link is a harmless save; replacing the
    token here emptied every process's memo of people and kiosks at every sign-out). The
    old cookie dies at once all the same for everything that matters: sign-in
    (``kiosk_sign_in``) and a new rebind link (``device_rebind_issue``) check the cookie
    in the database, and a session is bound to the cookie it was signed in with
    (``kiosk.middleware``). A process that kept the old cookie may show it the sign-in
    form until its next access change (docs/decisions/0046)."""
    with transaction.atomic():
        device = (
            Device.objects.active()
            .select_for_update()
            .filter(pk=device_id, rebind_hash=token_hash(token))
            .first()
        )
        if (
            device is None
            or not device.rebind_expires_at
            or device.rebind_expires_at < (timezone.now())
        ):
            return None
        new_token = new_device_token()
        device.token_hash = token_hash(new_token)
        device.rebind_hash, device.rebind_expires_at = "", None
        device.save(update_fields=["token_hash", "rebind_hash", "rebind_expires_at"])
    return device, new_token
