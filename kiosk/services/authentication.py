"""Kiosk sign-in: a prisoner number and PIN typed on a registered device, with lockout
after repeated wrong tries and refusal of prisoners of another facility."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.core.audit import audit_record
from lms.core.models import User

from ..models import Device, SignInFailure
from ..selectors import lockout_seconds, tries_left
from .errors import KioskError, LockedOut, NotAKiosk, WrongCredentials, WrongFacility


def _wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many wrong tries. Try again in %(minutes)d minute.",
        "Too many wrong tries. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _wrong_message(left: int) -> str:
    """Wrong number or PIN, and how many tries remain before the lockout."""
    return ngettext(
        "The number or the PIN is wrong. %(left)d try left before sign-in is locked "
        "for %(minutes)d minutes.",
        "The number or the PIN is wrong. %(left)d tries left before sign-in is locked "
        "for %(minutes)d minutes.",
        left,
    ) % {"left": left, "minutes": settings.KIOSK_LOCKOUT_MINUTES}


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

    The device is checked against the database here, not only as the request found it:
    ``device`` may come from a process's memo (``lms.core.access_memo``), and a cookie
    rebound by a sign-out does not replace the access token, so another process may still
    know the old cookie. Only the device's current cookie signs anyone in (``NotAKiosk``).
    """
    number = prisoner_number.strip().upper()[:32]
    error: KioskError | None = None
    # Failures must be recorded even though the attempt is refused, so the transaction
    # commits and the error is raised after it.
    with transaction.atomic():
        current = (
            Device.objects.active()
            .select_for_update()
            .filter(pk=device.pk, token_hash=device.token_hash)
            .exists()
        )
        if not current:
            raise NotAKiosk(_("Not a kiosk"))  # the view shows not_a_kiosk.html
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
            if credential is None or not ok or not user.is_active:
                SignInFailure.objects.create(prisoner_number=number or "-", device=device)
                wait = lockout_seconds(device=device, prisoner_number=number, since=since)
                error = (
                    LockedOut(_wait_message(wait), seconds=wait)
                    if wait > 0
                    else WrongCredentials(
                        _wrong_message(
                            tries_left(device=device, prisoner_number=number, since=since)
                        )
                    )
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
    assert credential is not None  # no error: the PIN was checked against it
    return SignInResult(user=user, must_change_pin=credential.must_change)
