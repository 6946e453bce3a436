"""Second factor for staff (django-otp): a TOTP app or a passkey (``passkeys``), and
one-time recovery codes.

A person enrols at their first sign-in (``two_factor`` view): a pending TOTP device is
made, its secret shown as a QR code and as text, and the first right code confirms it and
issues the recovery codes (shown once; stored by django-otp's static device). An
administrator can reset a person's second factor (they enrol again at the next sign-in).
"""

from __future__ import annotations

import base64
import secrets

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .audit import audit_record
from .models import User

PENDING_NAME = "pending"
APP_NAME = "app"


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The person's unconfirmed TOTP device (made on first call): what enrolment shows."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=PENDING_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name=PENDING_NAME)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The device's secret in base32, grouped by four, for typing into an app."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL of the device as an inline SVG QR code (no network)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4)


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with the first code the app shows; on success make fresh
    recovery codes and return them (shown once), else None. Audited."""
    from django.conf import settings

    if device.user_id != user.pk or not device.verify_token(token):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.name = APP_NAME
        device.save(update_fields=["confirmed", "name"])
        codes = recovery_codes_replace(user=user, count=settings.QADAM_MFA_RECOVERY_CODES)
        audit_record(actor=user, action="mfa.enrol", obj=user, facility=user.facility)
    return codes


def recovery_codes_replace(*, user: User, count: int) -> list[str]:
    """Replace the person's recovery codes with ``count`` new ones; return them."""
    static, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def mfa_reset(*, actor: User, person: User) -> None:
    """An administrator removes every second-factor device of ``person`` (TOTP apps,
    passkeys, recovery codes): they enrol again at their next sign-in. Audited."""
    if not actor.is_administrator:
        raise PermissionError("Only administrators reset a second factor.")
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=person).count()
        passkeys = WebAuthnCredential.objects.filter(user=person).count()
        TOTPDevice.objects.filter(user=person).delete()
        WebAuthnCredential.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        audit_record(
            actor=actor,
            action="mfa.reset",
            obj=person,
            after={"totp_devices_removed": removed, "passkeys_removed": passkeys},
            facility=person.facility,
        )


class LastFactorError(Exception):
    """Removing this device would leave the person with no second factor."""


def passkey_remove(*, actor: User, credential: WebAuthnCredential) -> None:
    """Remove a passkey. A person removes their own, never their last second factor (they
    would be asked to enrol again at the next sign-in, with only a password between);
    an administrator may remove anyone's (as ``mfa_reset`` does, one device). Audited."""
    person = credential.user
    if actor.pk != person.pk and not actor.is_administrator:
        raise PermissionError("Only the owner or an administrator removes a passkey.")
    with transaction.atomic():
        if actor.pk == person.pk:
            others = (
                WebAuthnCredential.objects.filter(user=person, confirmed=True)
                .exclude(pk=credential.pk)
                .exists()
                or TOTPDevice.objects.devices_for_user(person, confirmed=True).exists()
            )
            if not others:
                raise LastFactorError
        audit_record(
            actor=actor,
            action="mfa.remove",
            obj=person,
            before={"method": "passkey", "credential": credential.pk, "name": credential.name},
            facility=person.facility,
        )
        credential.delete()
