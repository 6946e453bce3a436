"""Writes to learning records: enrolling, recording lessons, completing courses.

Every service takes the acting user, runs in one transaction and writes its audit event in
that transaction. Domain errors are ``CourseError`` subclasses; views turn them into
messages.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.audit import audit_record
from lms.core.models import User

from .audience import audience_allows
from .models import CourseCompletion, CoursePage, Enrolment, LessonPage, LessonProgress
from .selectors import course_lesson_keys
from .signals import course_completed


class CourseError(Exception):
    """A learning action that the rules refuse; the message is shown to the user."""


class NotAllowed(CourseError):
    pass


class NotEnrolled(CourseError):
    pass


def _may_enrol_others(actor: User, learner: User) -> bool:
    return (
        actor.can_manage_learners()
        and User.objects.visible_to(actor).filter(pk=learner.pk).exists()
    )


def enrolment_create(
    *,
    actor: User,
    learner: User,
    course: CoursePage,
    source: str = Enrolment.Source.SELF,
) -> Enrolment:
    """Enrol ``learner`` on ``course``, or resume a paused or stopped enrolment.

    A learner enrols themself where the course allows it; an education officer enrols the
    learners of their facilities; administrators anyone. The course must be live and meant
    for the learner's audience. Idempotent: enrolling twice returns the same enrolment.
    """
    if not course.live:
        raise NotAllowed(_("This course is not open."))
    if not learner.is_active or learner.role not in User.LEARNER_ROLES:
        raise NotAllowed(_("This person cannot take courses."))
    if not audience_allows(learner, course.audience):
        raise NotAllowed(_("This course is not open to this learner."))
    if actor.pk == learner.pk:
        if not course.self_enrolment:
            raise NotAllowed(_("An education officer enrols learners on this course."))
        source = Enrolment.Source.SELF
    elif not _may_enrol_others(actor, learner):
        raise NotAllowed(_("You may not enrol this person."))
    elif source == Enrolment.Source.SELF:
        source = Enrolment.Source.ASSIGNED

    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(learner=learner, course_key=course.translation_key)
            .first()
        )
        if enrolment is None:
            try:
                with transaction.atomic():
                    enrolment = Enrolment.objects.create(
                        learner=learner,
                        course=course,
                        course_key=course.translation_key,
                        source=source,
                        enrolled_by=actor,
                    )
            except IntegrityError:
                # Another request enrolled the same learner a moment ago.
                return Enrolment.objects.get(learner=learner, course_key=course.translation_key)
            audit_record(
                actor=actor,
                action="enrolment.create",
                obj=enrolment,
                after=enrolment.snapshot(),
                facility=learner.facility,
            )
            return enrolment
        if enrolment.status in (Enrolment.Status.WITHDRAWN, Enrolment.Status.PAUSED):
            before = enrolment.snapshot()
            enrolment.transition_to(Enrolment.Status.ACTIVE)
            enrolment.save(update_fields=["status", "status_changed_at"])
            audit_record(
                actor=actor,
                action="enrolment.resume",
                obj=enrolment,
                before=before,
                after=enrolment.snapshot(),
                facility=learner.facility,
            )
        return enrolment


def enrolment_set_status(*, actor: User, enrolment: Enrolment, status: str) -> Enrolment:
    """Pause, stop or resume an enrolment (completion is reached only by completing).

    The learner may change their own; staff those of learners they manage. Refuses moves
    the status table does not allow (``EnrolmentTransitionError``).
    """
    if status == Enrolment.Status.COMPLETED:
        raise NotAllowed(_("A course is completed by meeting its completion rule."))
    if actor.pk != enrolment.learner_id and not _may_enrol_others(actor, enrolment.learner):
        raise NotAllowed(_("You may not change this enrolment."))
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == status:
            return enrolment
        before = enrolment.snapshot()
        enrolment.transition_to(status)
        enrolment.save(update_fields=["status", "status_changed_at"])
        audit_record(
            actor=actor,
            action=f"enrolment.{status}",
            obj=enrolment,
            before=before,
            after=enrolment.snapshot(),
            facility=enrolment.learner.facility,
        )
    return enrolment


def lesson_complete(*, actor: User, lesson: LessonPage) -> LessonProgress:
    """Record that ``actor`` finished ``lesson``, and complete the course the moment its
    rule is met.

    Idempotent and safe under concurrency: the learner's enrolment row is locked for the
    duration, so two requests for the same course run one after the other, and the unique
    (learner, lesson) row makes the second a no-op.
    """
    course = lesson.course
    if not lesson.live or not audience_allows(actor, course.audience):
        raise NotAllowed(_("This lesson is not open to you."))
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(learner=actor, course_key=course.translation_key)
            .first()
        )
        if enrolment is None or enrolment.status not in (
            Enrolment.Status.ACTIVE,
            Enrolment.Status.COMPLETED,
        ):
            raise NotEnrolled(_("Join the course to record your progress."))
        progress, _created = LessonProgress.objects.get_or_create(
            learner=actor,
            lesson_key=lesson.translation_key,
            defaults={"enrolment": enrolment, "lesson": lesson},
        )
        if progress.completed_at is not None:
            return progress
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])
        audit_record(
            actor=actor,
            action="lesson.complete",
            obj=progress,
            after={"lesson_key": str(progress.lesson_key)},
            facility=actor.facility,
        )
        if enrolment.status == Enrolment.Status.ACTIVE:
            course_completion_evaluate(actor=actor, enrolment=enrolment, course=course)
    return progress


def course_completion_evaluate(
    *, actor: User, enrolment: Enrolment, course: CoursePage
) -> CourseCompletion | None:
    """Complete ``enrolment`` if the course's rule is met; return the completion, if any.

    The caller holds the enrolment's row lock inside its transaction. Sends
    ``course_completed`` in that transaction (certificates listen). Idempotent: an
    enrolment completes once.
    """
    existing = CourseCompletion.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    required = course_lesson_keys(course)
    if not required:
        return None
    done = set(
        LessonProgress.objects.filter(
            learner_id=enrolment.learner_id,
            lesson_key__in=required,
            completed_at__isnull=False,
        ).values_list("lesson_key", flat=True)
    )
    if required - done:
        return None
    before = enrolment.snapshot()
    completion = CourseCompletion.objects.create(
        learner_id=enrolment.learner_id,
        enrolment=enrolment,
        course=course,
        course_key=enrolment.course_key,
    )
    enrolment.transition_to(Enrolment.Status.COMPLETED)
    enrolment.save(update_fields=["status", "status_changed_at"])
    audit_record(
        actor=actor,
        action="course.complete",
        obj=enrolment,
        before=before,
        after=enrolment.snapshot(),
        facility=enrolment.learner.facility,
    )
    course_completed.send(sender=CourseCompletion, completion=completion, course=course)
    return completion
