"""Writes for kiosks: registration codes, devices, PINs and kiosk sign-in.

Every service takes the acting user (or, for sign-in, the device), runs in one
transaction and writes its audit event there. Domain errors are ``KioskError``
subclasses with a message for the person in front of the screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.core.audit import audit_record
from lms.core.models import Facility, Unit, User
from lms.core.policy import may_manage_learner

from .models import (
    Device,
    KioskCredential,
    RegistrationCode,
    SignInFailure,
    new_device_token,
    new_registration_code,
    normalise_code,
    token_hash,
)
from .permissions import kiosk_facilities_for


class KioskError(Exception):
    """A kiosk action the rules refuse; the message is shown to the person."""


class NotAllowed(KioskError):
    pass


class LockedOut(KioskError):
    def __init__(self, message: str, *, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


class WrongCredentials(KioskError):
    pass


class WrongFacility(KioskError):
    pass


# --- Devices ----------------------------------------------------------------------------


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
    *, actor: User, device: Device, name: str, facility: Facility, unit: Unit | None
) -> Device:
    """Rename or move a kiosk (within facilities the actor manages)."""
    if not kiosk_facilities_for(actor).filter(pk=facility.pk).exists():
        raise NotAllowed(_("You may not move kiosks to this facility."))
    if unit is not None and unit.facility_id != facility.pk:
        raise NotAllowed(_("This unit belongs to another facility."))
    with transaction.atomic():
        device = _managed_device(actor, device)
        before = device.snapshot()
        device.name, device.facility, device.unit = name.strip()[:100], facility, unit
        device.save(update_fields=["name", "facility", "unit"])
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


def device_from_token(token: str | None) -> Device | None:
    """The active device a cookie token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    # Asked on every request from a kiosk: one row by a unique column, no joins (the few
    # views that need the facility or unit load them).
    matches = list(Device.objects.active().filter(token_hash=token_hash(token))[:1])
    return matches[0] if matches else None


def device_rebind_issue(*, device: Device) -> str:
    """A one-time token, valid for a minute, with which the device takes its cookie back
    after sign-out cleared every cookie of the site. Not audited (no change of state that
    matters; the sign-out itself is)."""
    token = new_device_token()
    Device.objects.filter(pk=device.pk).update(
        rebind_hash=token_hash(token), rebind_expires_at=timezone.now() + timedelta(minutes=1)
    )
    return token


def device_rebind(*, device_id: str, token: str) -> tuple[Device, str] | None:
    """Use a rebind token: give the device a fresh cookie token (the old one stops
    working). Returns None when the token is wrong, used or expired."""
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


# --- PINs -------------------------------------------------------------------------------


def pin_problem(pin: str) -> str | None:
    """Why a PIN is not acceptable, or None. Digits only, of the configured length range,
    not one digit repeated and not a straight run (1234, 9876)."""
    if not pin.isdigit() or not pin.isascii():
        return _("Use numbers only.")
    low, high = settings.KIOSK_PIN_MIN_LENGTH, settings.KIOSK_PIN_MAX_LENGTH
    if not low <= len(pin) <= high:
        return _("Use %(low)d to %(high)d numbers.") % {"low": low, "high": high}
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({0}, {1}, {-1}):
        return _("This PIN is too easy to guess. Choose another.")
    return None


def kiosk_pin_set(*, actor: User, learner: User, pin: str, must_change: bool = True) -> None:
    """An education officer (or administrator) sets or resets a prisoner's kiosk PIN.
    Only for prisoners they manage. Audited (never the PIN itself)."""
    if not may_manage_learner(actor, learner):
        raise NotAllowed(_("You may not set this person's PIN."))
    if not learner.is_prisoner:
        raise NotAllowed(_("Only prisoners sign in on kiosks."))
    problem = pin_problem(pin)
    if problem:
        raise NotAllowed(problem)
    with transaction.atomic():
        credential, created = KioskCredential.objects.select_for_update().get_or_create(
            user=learner, defaults={"pin_hash": make_password(pin), "set_by": actor}
        )
        if not created:
            credential.pin_hash = make_password(pin)
            credential.set_by = actor
        credential.must_change = must_change
        credential.set_at = timezone.now()
        credential.save()
        audit_record(
            actor=actor,
            action="kiosk.pin_set" if created else "kiosk.pin_reset",
            obj=credential,
            after={"must_change": must_change},
            facility=learner.facility,
        )


def kiosk_pin_change(*, actor: User, pin: str) -> None:
    """The prisoner chooses their own PIN (first use, or any time)."""
    problem = pin_problem(pin)
    if problem:
        raise NotAllowed(problem)
    with transaction.atomic():
        credential = KioskCredential.objects.select_for_update().get(user=actor)
        if check_password(pin, credential.pin_hash):
            raise NotAllowed(_("Choose a new PIN, not the one you were given."))
        credential.pin_hash = make_password(pin)
        credential.must_change = False
        credential.set_by = actor
        credential.set_at = timezone.now()
        credential.save(update_fields=["pin_hash", "must_change", "set_by", "set_at"])
        audit_record(
            actor=actor, action="kiosk.pin_change", obj=credential, facility=actor.facility
        )


# --- Sign-in ----------------------------------------------------------------------------


def _wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many wrong tries. Try again in %(minutes)d minute.",
        "Too many wrong tries. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_seconds(*, device: Device, prisoner_number: str, since: object = None) -> int:
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


@dataclass(frozen=True)
class SignInResult:
    user: User
    must_change_pin: bool


def kiosk_sign_in(*, device: Device, prisoner_number: str, pin: str) -> SignInResult:
    """Check a prisoner number and PIN typed on ``device``.

    Refuses while the number or the device is locked out (the message says how long),
    records each wrong try, and refuses a prisoner of another facility (a transferred
    prisoner signs in only at their new facility). Wrong number and wrong PIN get the
    same message. The caller logs the user in.
    """
    number = prisoner_number.strip().upper()[:32]
    error: KioskError | None = None
    # Failures must be recorded even though the attempt is refused, so the transaction
    # commits and the error is raised after it.
    with transaction.atomic():
        Device.objects.select_for_update().filter(pk=device.pk).first()
        user = (
            User.objects.filter(prisoner_number=number, role=User.Role.PRISONER_LEARNER)
            .select_related("kiosk_credential")
            .first()
        )
        credential = getattr(user, "kiosk_credential", None) if user else None
        since = credential.last_sign_in_at if credential else None
        wait = lockout_seconds(device=device, prisoner_number=number, since=since)
        if wait > 0:
            error = LockedOut(_wait_message(wait), seconds=wait)
        else:
            if credential is None:
                make_password(pin)  # the same work as a real check, so timing says nothing
                ok = False
            else:
                ok = check_password(pin, credential.pin_hash)
            if not ok or not user.is_active:
                SignInFailure.objects.create(prisoner_number=number or "-", device=device)
                wait = lockout_seconds(device=device, prisoner_number=number, since=since)
                error = (
                    LockedOut(_wait_message(wait), seconds=wait)
                    if wait > 0
                    else WrongCredentials(_("The number or the PIN is wrong. Try again."))
                )
            elif user.facility_id != device.facility_id:
                audit_record(
                    actor=user,
                    action="kiosk.sign_in_refused",
                    obj=device,
                    after={"reason": "other facility"},
                    facility=device.facility,
                )
                error = WrongFacility(
                    _("You cannot sign in on this kiosk. Ask an education officer for help.")
                )
            else:
                credential.last_sign_in_at = timezone.now()
                credential.save(update_fields=["last_sign_in_at"])
                Device.objects.filter(pk=device.pk).update(last_seen_at=credential.last_sign_in_at)
                audit_record(
                    actor=user, action="kiosk.sign_in", obj=device, facility=device.facility
                )
    if error is not None:
        raise error
    return SignInResult(user=user, must_change_pin=credential.must_change)


# --- Retention --------------------------------------------------------------------------


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
