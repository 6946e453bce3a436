"""Kiosks: registered shared devices, their one-time registration codes, prisoners'
kiosk PINs and the log of failed kiosk sign-ins.

Personal data held here:
- ``KioskCredential``: a prisoner's PIN, hashed with Django's password hashers (never
  stored or logged in clear), who last set it and when.
- ``SignInFailure``: the prisoner number someone typed on a kiosk (it may be another
  person's, or nobody's), which kiosk, and when. Kept to lock out guessing; purge after
  the retention period (``KIOSK_FAILURE_RETENTION_DAYS``).
- ``Device`` and ``RegistrationCode``: no personal data beyond the staff member who
  created them.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.core.models import Facility, Unit

# Registration codes are read off a staff screen and typed on a touch keyboard: no 0/O,
# 1/I/L, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
CODE_LENGTH = 12


def token_hash(token: str) -> str:
    """Device tokens and registration codes are long random strings: a SHA-256 digest is
    enough to store them (unlike passwords, there is nothing to guess)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_device_token() -> str:
    return secrets.token_urlsafe(48)


def new_registration_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class DeviceQuerySet(models.QuerySet["Device"]):
    def active(self) -> DeviceQuerySet:
        return self.filter(revoked_at__isnull=True)


class Device(models.Model):
    """A registered kiosk, bound to a facility (and unit). Known by a long random token
    kept in an HttpOnly cookie on the device; only its hash is stored. A revoked device
    is refused at once (its next request finds no active device)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="kiosks", verbose_name=_("facility")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kiosks",
        verbose_name=_("unit"),
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # One-time token that lets the device take its cookie back after sign-out cleared
    # every cookie (see ``kiosk.views.sign_out``).
    rebind_hash = models.CharField(max_length=64, blank=True, editable=False)
    rebind_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    # The interface language a new session starts in (the unit's language: Kazakh in a
    # Kazakh-speaking unit); blank: the site's default. A person can still switch.
    language = models.CharField(
        _("interface language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language the kiosk's screens start in. Learners can still switch."),
    )
    # Failed sign-ins before this moment no longer count towards lockout on this kiosk:
    # an officer lifted it (``kiosk.lockout_lift``).
    lockout_lifted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["facility__name", "name"]
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")

    def __str__(self) -> str:
        return f"{self.name} ({self.facility})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "facility": self.facility_id,
            "unit": self.unit_id,
            "language": self.language,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


class RegistrationCode(models.Model):
    """A one-time code that turns a browser into a kiosk of ``facility``/``unit``.

    Shown once to the staff member who created it; only its hash is kept. Expires after
    ``KIOSK_REGISTRATION_CODE_HOURS`` and can be used once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name=_("facility")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    device_name = models.CharField(_("kiosk name"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    device = models.OneToOneField(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="registration"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kiosk registration code")
        verbose_name_plural = _("kiosk registration codes")

    def __str__(self) -> str:
        return f"{self.device_name} ({self.facility})"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class KioskCredential(models.Model):
    """A prisoner's kiosk PIN, hashed like a password. Set and reset by an education
    officer; ``must_change`` asks the prisoner to choose their own at the next sign-in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kiosk_credential"
    )
    pin_hash = models.CharField(max_length=256)
    must_change = models.BooleanField(default=True)
    set_at = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk PIN")
        verbose_name_plural = _("kiosk PINs")

    def __str__(self) -> str:
        return f"PIN of {self.user_id}"


class SignInFailure(models.Model):
    """One failed kiosk sign-in: the basis of lockout per account and per device."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    prisoner_number = models.CharField(max_length=32, db_index=True)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="failures")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["device", "at"], name="kiosk_failure_device_idx")]
        verbose_name = _("failed kiosk sign-in")
        verbose_name_plural = _("failed kiosk sign-ins")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.device_id}"
