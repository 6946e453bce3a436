"""Learning records: enrolments, lesson progress and course completions.

Records point at courses and lessons by Wagtail's ``translation_key`` (the same for every
language version of a page), so a learner who switches language keeps their progress.
The page foreign keys are kept for convenience and survive page deletion as NULL.

Personal data held here: which person takes which course, when, and how far they got.
For faith-based programmes that reveals religious belief: the kiosk and export issues
restrict who reads it; nothing here is shown to anyone but the learner and the staff of
their facility (``visible_to``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.core.models import User
from lms.core.policy import people_q


class EnrolmentTransitionError(Exception):
    """An enrolment was asked to move to a status it cannot reach from where it is."""


class LearningQuerySet(models.QuerySet):
    learner_field = "learner"

    def visible_to(self, user: User) -> LearningQuerySet:
        """Records of the people ``user`` may see (``lms.core.policy.people_q``)."""
        return self.filter(people_q(user, via=f"{self.learner_field}__"))


class EnrolmentQuerySet(LearningQuerySet):
    def active(self) -> EnrolmentQuerySet:
        return self.filter(status=Enrolment.Status.ACTIVE)

    def for_course_key(self, course_key: uuid.UUID) -> EnrolmentQuerySet:
        return self.filter(course_key=course_key)


class Enrolment(models.Model):
    """A learner on a course. One row per learner and course, across languages.

    Status moves only along ``TRANSITIONS`` (``transition_to`` refuses the rest):
    a completed enrolment stays completed; a withdrawn one may be resumed.
    """

    class Source(models.TextChoices):
        SELF = "self", _("Chosen by the learner")
        ASSIGNED = "assigned", _("Assigned by staff")
        PLAN = "plan", _("From the individual plan")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        PAUSED = "paused", _("Paused")
        WITHDRAWN = "withdrawn", _("Stopped")
        COMPLETED = "completed", _("Completed")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.ACTIVE: frozenset({Status.PAUSED, Status.WITHDRAWN, Status.COMPLETED}),
        Status.PAUSED: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
        Status.WITHDRAWN: frozenset({Status.ACTIVE}),
        Status.COMPLETED: frozenset(),
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    course_key = models.UUIDField(db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Indexed: every report counts enrolments by the month they were made (bench/README.md,
    # "Reports at national scale").
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # An officer's target date for a course they assigned (never on a voluntary
    # programme): ``target_on`` as they set it on ``target_set_on`` (the facility's date);
    # ``due_on`` is the target moved by the days that did not count (a lockdown,
    # segregation, a transfer, a medical absence), ``paused_days`` how many. The training
    # app decides the move (``training.engine``); ``courses.services`` writes it.
    target_on = models.DateField(_("target date"), null=True, blank=True)
    target_set_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    paused_days = models.PositiveIntegerField(default=0)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course_key"], name="enrolment_one_per_learner_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} / {self.course}"

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def transition_to(self, status: str) -> None:
        """Move to ``status`` (unsaved). Refuses moves the table does not allow."""
        if not self.can_transition_to(status):
            raise EnrolmentTransitionError(
                f"An enrolment cannot go from {self.status} to {status}."
            )
        self.status = status
        self.status_changed_at = timezone.now()

    def snapshot(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "source": self.source,
            "course_key": str(self.course_key),
            "target_on": self.target_on.isoformat() if self.target_on else None,
        }


class LessonProgress(models.Model):
    """One row per learner and lesson (summary, not a visit log). Never un-completed:
    ``completed_at`` is stamped once, on the transition."""

    id = models.BigAutoField(primary_key=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lesson_progress"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lesson_key = models.UUIDField()
    completed_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)
    time_reported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = LearningQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson_key"], name="progress_one_per_learner_lesson"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} / {self.lesson_key}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class LessonTimeReport(models.Model):
    """One report of active time from a lesson page, as the browser sent it (the raw log
    behind ``LessonProgress.seconds_spent``). The page gives each report an id, so a report
    sent again (a retry after a dropped connection, a kiosk's offline queue) counts once.

    Personal data: when a learner was active on which lesson. Kept only as long as a
    retry can come (``LESSON_TIME_REPORT_DAYS``), then purged; the summary row stays.
    """

    id = models.BigAutoField(primary_key=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    client_id = models.UUIDField()
    lesson_key = models.UUIDField()
    seconds = models.PositiveIntegerField()
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("lesson time report")
        verbose_name_plural = _("lesson time reports")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "client_id"], name="time_report_once_per_learner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} / {self.lesson_key} / {self.seconds}s"


class ActivityResult(models.Model):
    """A learner's best result in one activity of a lesson (a quiz or an H5P activity).

    One summary row per learner, lesson and activity; the raw attempts are kept by the
    activity's own app (quiz attempts, xAPI statements). ``activity_key`` is the id of the
    StreamField block, which every language version of the lesson shares. ``passed`` is
    decided on the server from the block's pass mark, never taken from the browser, and
    once passed stays passed.
    """

    class Kind(models.TextChoices):
        QUIZ = "quiz", _("Quiz")
        H5P = "h5p", _("Interactive activity")

    id = models.BigAutoField(primary_key=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activity_results"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="activity_results"
    )
    lesson_key = models.UUIDField()
    activity_key = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    best_score = models.FloatField(default=0.0, help_text="Best scaled score, 0..1.")
    attempts = models.PositiveIntegerField(default=0)
    passed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = LearningQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity result")
        verbose_name_plural = _("activity results")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson_key", "activity_key"],
                name="activity_result_one_per_learner_activity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} / {self.activity_key} ({self.best_score:.0%})"

    @property
    def passed(self) -> bool:
        return self.passed_at is not None


class QuizAttempt(models.Model):
    """One submitted attempt at a native quiz (raw log; the best result is in
    ``ActivityResult``). Holds the learner's chosen answers and the server's marking.
    ``submission_key`` comes from the form, so a double submit records one attempt."""

    id = models.BigAutoField(primary_key=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    lesson_key = models.UUIDField()
    activity_key = models.CharField(max_length=64)
    submission_key = models.UUIDField()
    answers = models.JSONField()
    score = models.PositiveIntegerField()
    max_score = models.PositiveIntegerField()
    passed = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = LearningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "submission_key"], name="quiz_attempt_once_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} / {self.activity_key}: {self.score}/{self.max_score}"


class CourseCompletion(models.Model):
    """The moment a learner met a course's completion rule. One per enrolment; never
    removed. Certificates hang off this row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completions"
    )
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="completion")
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    course_key = models.UUIDField(db_index=True)
    # Indexed: every report counts completions by the month they were recorded.
    completed_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LearningQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")

    def __str__(self) -> str:
        return f"{self.learner} / {self.course_key} ({self.completed_at:%Y-%m-%d})"
