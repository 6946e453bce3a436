"""Mandatory training: positions, who must complete what by when, and where each person is.

Personal data held here:
- ``StaffRecord``: a staff member's staff number, position and start date (HR data).
- ``Pause``: time that does not count towards a person's deadlines and why: staff leave,
  or for prisoners segregation, a transfer in progress, a medical absence (health and
  criminal-justice data: shown only to the people who manage the person), or a lockdown of
  a unit or facility (no person named).
- ``Assignment``: which person must complete which requirement, by when, and how far they
  are (one row per cycle, kept after the person leaves the requirement's audience).
- ``TrainingRequest``: a person's request for an extension or an exemption, its reason,
  and the officer's decision and reason.
- ``Reminder``: which reminder is owed to whom, when it was read and e-mailed.
- ``PeopleImport``: an uploaded people list, kept only until it is applied.
- ``OfficerDigest``: which officer was sent the weekly digest of who is overdue.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.core.models import Facility, Unit, User


class Position(models.Model):
    """A post in the service (officer, guard, psychologist, ...): a catalogue that
    administrators edit in the Django admin. Holds no personal data."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return self.name


DIGEST_FREQUENCIES = ("daily", "weekly", "never")


class StaffRecord(models.Model):
    """A staff member's HR record: staff number, position and start date. A model of its
    own (not fields on ``User``) so that the ground floor knows nothing of training and
    positions; the facility and unit stay on ``User``, which every app reads."""

    person = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="staff_record", verbose_name=_("person")
    )
    staff_number = models.CharField(
        _("staff number"), max_length=32, unique=True, null=True, blank=True
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("position"),
    )
    started_on = models.DateField(_("start date"), null=True, blank=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    digest_frequency = models.CharField(
        _("reminder e-mails"),
        max_length=8,
        choices=[
            ("daily", _("Daily digest")),
            ("weekly", _("Weekly digest")),
            ("never", _("No e-mail")),
        ],  # DIGEST_FREQUENCIES
        default="weekly",
    )

    class Meta:
        verbose_name = _("staff record")
        verbose_name_plural = _("staff records")

    def __str__(self) -> str:
        return f"{self.person} ({self.staff_number or '-'})"


class Pause(models.Model):
    """Time that does not count towards deadlines: for one person (leave, segregation,
    transfer in progress, medical absence), or for everyone held in a unit or facility
    (lockdown). Dates are inclusive; an open pause (no end) lasts until it is ended."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Staff leave")
        LOCKDOWN = "lockdown", _("Lockdown")
        SEGREGATION = "segregation", _("Segregation")
        TRANSFER = "transfer", _("Transfer in progress")
        MEDICAL = "medical", _("Medical absence")

    PERSONAL_KINDS = (Kind.LEAVE, Kind.SEGREGATION, Kind.TRANSFER, Kind.MEDICAL)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_pauses",
        verbose_name=_("person"),
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facility"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="lockdown", person__isnull=True, facility__isnull=False))
                | (~Q(kind="lockdown") & Q(person__isnull=False, facility__isnull=True)),
                name="pause_lockdown_of_a_place_else_a_person",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="pause_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on or '…'}"

    def clean(self) -> None:
        if self.kind == self.Kind.LOCKDOWN:
            if self.facility_id is None or self.person_id is not None:
                raise ValidationError(_("A lockdown is of a facility or unit, not a person."))
            if self.unit_id and self.unit.facility_id != self.facility_id:
                raise ValidationError({"unit": _("This unit is in another facility.")})
        elif self.person_id is None or self.facility_id is not None:
            raise ValidationError(_("This kind of pause is for one person."))
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end is before the start.")})


class Requirement(models.Model):
    """What someone must complete, who must, by when, and how often it is renewed.

    Who: everyone on the staff, or people whose position or role is listed; then narrowed
    to the listed facilities and units (when any are listed); minus the named exceptions;
    and only people the course's audience allows (``lms.core.policy.audience_allows``).
    A voluntary programme can never be required (``lms.core.policy.is_voluntary``).
    Holds no personal data beyond the named exceptions.
    """

    class Kind(models.TextChoices):
        COURSE = "course", _("Complete a course")
        GUIDELINE = "guideline", _("Acknowledge a guideline (current major version)")

    class Anchor(models.TextChoices):
        START = "start", _("days after the person's start date")
        SUBJECT = "subject", _("days after the person becomes subject to it")
        DATE = "date", _("by a fixed date")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    refresher_course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("refresher course"),
        help_text=_("Optional: a shorter course that also renews it."),
    )
    guideline = models.ForeignKey(
        "guidelines.GuidelinePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guideline"),
    )
    all_staff = models.BooleanField(_("everyone on the staff"), default=False)
    positions = models.ManyToManyField(
        Position, blank=True, related_name="requirements", verbose_name=_("positions")
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)
    facilities = models.ManyToManyField(
        Facility, blank=True, related_name="+", verbose_name=_("only in these facilities")
    )
    units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("only in these units")
    )
    exceptions = models.ManyToManyField(
        User, blank=True, related_name="+", verbose_name=_("except these people")
    )
    due_anchor = models.CharField(
        _("due"), max_length=8, choices=Anchor.choices, default=Anchor.SUBJECT
    )
    due_days = models.PositiveIntegerField(_("within days"), default=30)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    valid_months = models.PositiveIntegerField(
        _("valid for months"),
        null=True,
        blank=True,
        help_text=_("Empty: completed once, never renewed."),
    )
    window_days = models.PositiveIntegerField(_("renewal opens days before expiry"), default=60)
    grace_days = models.PositiveIntegerField(_("grace days after expiry"), default=0)
    is_active = models.BooleanField(_("in force"), default=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="course", course__isnull=False, guideline__isnull=True))
                | (Q(kind="guideline", guideline__isnull=False, course__isnull=True)),
                name="requirement_names_what_it_requires",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from lms.core.policy import is_voluntary

        errors: dict[str, Any] = {}
        if self.kind == self.Kind.COURSE and self.course_id is None:
            errors["course"] = _("Choose the course.")
        if self.kind == self.Kind.GUIDELINE:
            if self.guideline_id is None:
                errors["guideline"] = _("Choose the guideline.")
            if self.valid_months:
                errors["valid_months"] = _(
                    "A guideline is acknowledged again when its major version changes; "
                    "it has no validity period."
                )
            self.course = self.refresher_course = None
        else:
            self.guideline = None
        for field in ("course", "refresher_course"):
            course = getattr(self, field)
            if course is not None and is_voluntary(
                programme_type=course.programme_type, requires_consent=course.requires_consent
            ):
                errors[field] = _("A voluntary programme can never be required.")
        if self.due_anchor == self.Anchor.DATE and self.due_date is None:
            errors["due_date"] = _("Give the date.")
        bad_roles = set(self.roles or []) - {str(role) for role in User.LEARNER_ROLES}
        if bad_roles:
            errors["roles"] = _("Only learner roles can be required to train.")
        if errors:
            raise ValidationError(errors)

    @property
    def course_keys(self) -> list[Any]:
        """The translation keys of the courses whose completion satisfies it."""
        return [c.translation_key for c in (self.course, self.refresher_course) if c]


class Assignment(models.Model):
    """One person x requirement x cycle: when it opened, when it is due, when it was met,
    until when it is valid, and its state as last evaluated (``training.engine``).

    The current cycle is the one with ``ended_on`` empty; a person who leaves the
    requirement's audience keeps the row with ``ended_on`` set, and a renewal starts a new
    row (``cycle`` + 1): history is never rewritten. ``(person, requirement, cycle)`` is
    unique, so two evaluations at once cannot create a cycle twice.
    """

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        EXPIRED = "expired", _("Expired")
        EXEMPT = "exempt", _("Exempt")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("No longer required")

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="assignments"
    )
    cycle = models.PositiveIntegerField(default=1)
    facility = models.ForeignKey(
        Facility, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_on = models.DateField()
    due_on = models.DateField(help_text="Before pauses and extensions.")
    effective_due_on = models.DateField()
    paused_days = models.PositiveIntegerField(default=0)
    carried_valid_until = models.DateField(
        null=True, blank=True, help_text="The previous cycle's validity, while it lasts."
    )
    guideline_major = models.PositiveIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    extended_to = models.DateField(null=True, blank=True)
    exempt_until = models.DateField(null=True, blank=True)
    exempt_reason = models.CharField(max_length=300, blank=True)
    exempt_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_exempt = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=State.choices, db_index=True)
    ended_on = models.DateField(null=True, blank=True)
    evaluated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["requirement__name", "-cycle"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "requirement", "cycle"], name="assignment_one_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["person", "requirement"],
                condition=Q(ended_on__isnull=True),
                name="assignment_one_current",
            ),
        ]
        indexes = [
            models.Index(
                fields=["facility", "requirement", "state"], name="assignment_compliance_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} / {self.requirement} #{self.cycle}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def is_compliant(self) -> bool:
        return self.state in (self.State.COMPLETED, self.State.EXEMPT)


class TrainingRequest(models.Model):
    """A person's request for more time (an extension to a date) or to be excused
    (an exemption, until a date or for good), and the decision on it. Decided once:
    ``pending`` goes to ``granted`` or ``refused`` and never back (``TRANSITIONS``)."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("Extension")
        EXEMPTION = "exemption", _("Exemption")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING: frozenset({Status.GRANTED, Status.REFUSED}),
        Status.GRANTED: frozenset(),
        Status.REFUSED: frozenset(),
    }

    id = models.BigAutoField(primary_key=True)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    until = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension or exemption request")
        verbose_name_plural = _("extension and exemption requests")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind"],
                condition=Q(status="pending"),
                name="training_request_one_pending_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} / {self.assignment}"


class Reminder(models.Model):
    """One reminder owed to one person about one cycle of one requirement: ``kind`` is the
    event (assigned, due soon, overdue, window open). The unique constraint makes each
    event remind once, however often and however concurrently the engine runs. It shows
    in the app until read; for staff it also goes into an e-mail digest: ``email_claim``
    is set (and committed) before the digest is handed to the mail server and
    ``emailed_at`` after, so a reminder is e-mailed at most once even when a worker dies
    mid-send (``training.notifications``)."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("New training to complete")
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        WINDOW_OPEN = "window_open", _("Time to renew")

    id = models.BigAutoField(primary_key=True)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training_reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_claim = models.UUIDField(null=True, blank=True, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training reminder")
        verbose_name_plural = _("training reminders")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind"], name="reminder_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} / {self.assignment}"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole calendar months, on the last day of a shorter month."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class OfficerDigest(models.Model):
    """One weekly digest of who is overdue, for one officer or administrator and one week
    (``week_of``: its Monday). The row is written (and committed) before the e-mail goes,
    so a second run that week, or a run after a worker died mid-send, sends nothing.
    Holds no personal data beyond whom it went to."""

    id = models.BigAutoField(primary_key=True)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    week_of = models.DateField()
    overdue = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("officers' training digest")
        verbose_name_plural = _("officers' training digests")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "week_of"], name="officer_digest_weekly")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} / {self.week_of}"


class PeopleImport(models.Model):
    """An uploaded HR list or prison register, kept between its preview and its
    application (``training.importing``), then emptied: ``content`` holds personal data
    (names, numbers, e-mail, places) only until it is applied or discarded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200)
    content = models.BinaryField(editable=False)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("people import")
        verbose_name_plural = _("people imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"
