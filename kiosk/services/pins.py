"""Kiosk PINs: the rules a PIN must meet, an officer setting or resetting a prisoner's
PIN, and the prisoner choosing their own."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.audit import audit_record
from lms.core.models import User
from lms.core.policy import may_manage_learner

from ..models import KioskCredential
from .errors import NotAllowed


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
