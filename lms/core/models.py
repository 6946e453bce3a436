"""People, places and the audit trail.

Personal data held here:
- ``User``: name, username, prisoner number (national identifier of a person in custody),
  e-mail (staff only), role, current facility and unit.
- ``Transfer``: where a person was held, and when they moved (criminal-justice data).
- ``AuditEvent``: who did what to which record, with the record's state before and after.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .append_only import AppendOnlyModel
from .names import strip_name_fields


class Facility(models.Model):
    """A prison, colony or pre-trial centre. Holds units and kiosks."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("For example Asia/Almaty. Empty: the installation's time zone."),
    )
    # The language its kiosks start in (Kazakh in a Kazakh-speaking facility): a new kiosk
    # takes it at registration; a kiosk's own setting (``kiosk.Device.language``) wins.
    language = models.CharField(
        _("kiosk language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language this facility's kiosks start in. Empty: the site's default. "
            "Each kiosk can have its own; learners can still switch."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from zoneinfo import available_timezones

        from django.core.exceptions import ValidationError

        if self.time_zone and self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": _("Not a time zone name.")})

    @property
    def tzinfo(self):
        """The facility's time zone: dates at this facility (due dates, "today") use it."""
        from zoneinfo import ZoneInfo

        from django.conf import settings

        return ZoneInfo(self.time_zone or settings.TIME_ZONE)


class Unit(models.Model):
    """A block or wing of a facility."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="units", verbose_name=_("facility")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["facility__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["facility", "name"], name="unit_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.facility} / {self.name}"


class UserQuerySet(models.QuerySet["User"]):
    """Who may see whom is the policy core's (``lms.core.policy.people_visible_to``)."""

    def learners(self) -> UserQuerySet:
        return self.filter(role__in=User.LEARNER_ROLES)


class QadamUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who signs in: a staff member or a prisoner.

    The role decides the kind: only ``prisoner_learner`` is a prisoner, and a prisoner has a
    prisoner number (which is also their username) and no e-mail.
    """

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        TRAINER = "trainer", _("Trainer")
        EDUCATION_OFFICER = "education_officer", _("Education officer")
        STAFF_LEARNER = "staff_learner", _("Staff learner")
        PRISONER_LEARNER = "prisoner_learner", _("Prisoner learner")
        MONITOR = "monitor", _("Monitor")

    # Staff of every role may take staff courses; prisoners take prisoner courses.
    LEARNER_ROLES = (
        Role.STAFF_LEARNER,
        Role.PRISONER_LEARNER,
        Role.TRAINER,
        Role.EDUCATION_OFFICER,
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    prisoner_number = models.CharField(
        _("prisoner number"), max_length=32, unique=True, null=True, blank=True
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("current facility"),
        help_text=_("Empty for headquarters staff."),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("current unit"),
    )
    managed_facilities = models.ManyToManyField(
        Facility,
        blank=True,
        related_name="education_officers",
        verbose_name=_("facilities managed"),
        help_text=_("For education officers: the facilities whose learners they manage."),
    )
    # The language of what reaches them outside a page (reminder and digest e-mails): the
    # one they last chose with the language switcher, or chose under "My training".
    language = models.CharField(
        _("language of e-mails"), max_length=8, blank=True, choices=settings.LANGUAGES
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = QadamUserManager()

    REQUIRED_FIELDS = ["role"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="prisoner_learner", prisoner_number__isnull=False))
                | (~Q(role="prisoner_learner") & Q(prisoner_number__isnull=True)),
                name="user_prisoner_number_iff_prisoner",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def mail_language(self) -> str:
        """The language to write to them in: their own choice, else the site's."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def is_prisoner(self) -> bool:
        return self.role == self.Role.PRISONER_LEARNER

    @property
    def is_staff_member(self) -> bool:
        return bool(self.role) and not self.is_prisoner

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMINISTRATOR

    @property
    def is_education_officer(self) -> bool:
        return self.role == self.Role.EDUCATION_OFFICER

    def clean(self) -> None:
        super().clean()
        strip_name_fields(self)  # lms.core.names: no right-to-left overrides in names

    def save(self, *args: Any, **kwargs: Any) -> None:
        strip_name_fields(self)
        # The role is the single source of admin rights: only administrators are superusers.
        self.is_superuser = self.is_staff = self.role == self.Role.ADMINISTRATOR
        if self.is_prisoner:
            self.prisoner_number = (self.prisoner_number or "").strip().upper() or None
            if self.prisoner_number:
                self.username = self.prisoner_number
            self.email = ""
            # PIN only (on a kiosk): a prisoner account never has a usable password, so no
            # password sign-in or password reset can ever succeed for it.
            if self.has_usable_password():
                self.set_unusable_password()
        super().save(*args, **kwargs)


class Transfer(models.Model):
    """One move of a person between facilities (or units). Append-only history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="transfers")
    from_facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    to_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-moved_at"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.person} → {self.to_facility} ({self.moved_at:%Y-%m-%d})"


class AuditEvent(AppendOnlyModel):
    """Who did what, when, to which record, with its state before and after.

    Written by services in the same transaction as the change they record; never updated
    or deleted (the model and its queryset refuse).
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: deleting a person never empties the actor of their rows. People with audit
    # history are deactivated; a real erasure pseudonymises them (``person_erase``).
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    facility = models.ForeignKey(
        Facility, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class ContentVersion(models.Model):
    """Version tokens, one row each, read together once per request (``lms.core.serving``):

    - ``CONTENT`` changes whenever published content may have changed (a page, site,
      locale or view restriction saved or deleted). Processes keep routes and rendered
      teaching content in memory under the token they read.
    - ``ACCESS`` changes whenever who may be signed in as whom may have changed (a person
      saved or deleted, a kiosk PIN or a kiosk changed, a staff session ended by someone
      else). Processes keep the user and kiosk rows of signed-in requests under it
      (``lms.core.access_memo``).

    A change made by any process is seen by all of them on their next request.

    A random token, not a counter: a rolled-back change must never hand out a token that
    a later, different change reuses. Holds no personal data.
    """

    CONTENT = 1
    ACCESS = 2

    token = models.UUIDField(_("token"), default=uuid.uuid4)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return str(self.token)


class StaffSession(models.Model):
    """One open (or ended) staff web session: which device and address it came from, so
    the person and administrators can see it and end it. Written at sign-in and at most
    once a minute after (``lms.core.staff_sessions``); the session's own data stays in
    Django's session store. Kept until the session is ended or expires, then deleted."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="staff_sessions", verbose_name=_("person")
    )
    session_key = models.CharField(max_length=40, unique=True, editable=False)
    started_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("staff session")
        verbose_name_plural = _("staff sessions")

    def __str__(self) -> str:
        return f"{self.user} · {self.ip_address or '-'} · {self.started_at:%Y-%m-%d %H:%M}"
