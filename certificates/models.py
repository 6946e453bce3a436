"""Certificates: proof that a learner completed a course.

Personal data held here: the holder's name as printed, the course, the dates; the PDF
(which prints the same). Deliberately not held or printed: facility, prisoner number, or
anything that says the certificate was earned in prison (the provider is the training
provider).

A certificate moves ``pending -> rendering -> issued`` (or ``failed``, retried); it is
created in the same transaction as the completion it proves, one per completion, so a
task that runs twice issues once.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import CourseCompletion

# Crockford's base32 without the look-alikes (I, L, O, U): easy to read and type.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 random bits


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, as stored: upper case, no spaces or dashes, look-alikes
    mapped (O->0, I/L->1)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def visible_to(self, user) -> CertificateQuerySet:
        from lms.core.models import User

        return self.filter(learner__in=User.objects.visible_to(user))

    def issued(self) -> CertificateQuerySet:
        return self.filter(status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED])


class Certificate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        RENDERING = "rendering", _("Being prepared")
        ISSUED = "issued", _("Issued")
        FAILED = "failed", _("Could not be prepared")
        REVOKED = "revoked", _("Revoked")

    serial = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    completion = models.OneToOneField(
        CourseCompletion, on_delete=models.PROTECT, related_name="certificate"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    verification_code = models.CharField(
        max_length=CODE_LENGTH, unique=True, default=new_verification_code, editable=False
    )
    holder_name = models.CharField(_("holder's name"), max_length=300)
    course_title = models.CharField(_("course"), max_length=255)
    provider = models.CharField(_("training provider"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    language = models.CharField(max_length=8)
    completed_on = models.DateField(_("completed on"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    pdf = models.FileField(storage=private_storage, upload_to="certificates/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.serial_number} {self.course_title}"

    @property
    def serial_number(self) -> str:
        return f"Q-{self.serial:08d}"

    @property
    def display_code(self) -> str:
        code = self.verification_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.ISSUED
