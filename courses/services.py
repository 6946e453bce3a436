"""Writes to learning records: enrolling, recording lessons, completing courses.

Every service takes the acting user, runs in one transaction and writes its audit event in
that transaction. Domain errors are ``CourseError`` subclasses; views turn them into
messages.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.audit import audit_record
from lms.core.models import User
from lms.core.policy import audience_allows, may_manage_learner

from .models import (
    ActivityResult,
    CourseCompletion,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    QuizAttempt,
)
from .participation import consent_needed
from .selectors import (
    course_lesson_keys,
    course_required_activities,
    lesson_outstanding_activities,
    passed_activities,
    required_activities_met,
    seconds_spent,
)
from .signals import course_completed, enrolment_target_set
from .time_reports import TimeReportOutcome, time_report_store

# A single time report counts for at most this long, so a page left open (or a forged
# request) cannot claim hours.
MAX_SECONDS_PER_REPORT = 120


class CourseError(Exception):
    """A learning action that the rules refuse; the message is shown to the user."""


class NotAllowed(CourseError):
    pass


class NotEnrolled(CourseError):
    pass


class ActivityNotPassed(CourseError):
    """A lesson cannot be done while a required quiz or activity in it is not passed."""


def _only_by_the_person() -> str:
    """The refusal when anyone but the person enrols them on, or moves them along, a
    voluntary programme."""
    return _(
        "Only the person can choose to join a voluntary programme, such as a faith-based "
        "one, and only they can stop or resume it."
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

    Voluntary programmes (``CoursePage.is_voluntary``: every faith-based one) are joined only
    by the person themself, with ``source`` SELF: staff-assigned and individual-plan
    enrolments are refused, so staff can neither put someone on one nor bring back one
    the person stopped. The refusal depends on the course only, never on the person's
    records. A voluntary programme among an ordinary course's prerequisites does not count
    (``CoursePage.effective_prerequisites``), so no answer here depends on whether the
    person took part in one (decision record 0021).
    """
    if not course.live:
        raise NotAllowed(_("This course is not open."))
    if not learner.is_active or learner.role not in User.LEARNER_ROLES:
        raise NotAllowed(_("This person cannot take courses."))
    if not audience_allows(learner, course.audience):
        raise NotAllowed(_("This course is not open to this learner."))
    if course.is_voluntary and (actor.pk != learner.pk or source != Enrolment.Source.SELF):
        raise NotAllowed(_only_by_the_person())
    if actor.pk == learner.pk:
        if not course.self_enrolment:
            raise NotAllowed(_("An education officer enrols learners on this course."))
        source = Enrolment.Source.SELF
    elif not may_manage_learner(actor, learner):
        raise NotAllowed(_("You may not enrol this person."))
    elif source == Enrolment.Source.SELF:
        source = Enrolment.Source.ASSIGNED
    # Checked only once the actor may enrol this person: the answer names what they have
    # not completed.
    missing = course.missing_prerequisites(learner.pk)
    if missing:
        raise NotAllowed(
            _("First complete: %(courses)s.")
            % {"courses": ", ".join(f"“{course.title}”" for course in missing)}
        )

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
            _enrolment_move(
                actor=actor, enrolment=enrolment, status=Enrolment.Status.ACTIVE, action="resume"
            )
        return enrolment


def _enrolment_move(*, actor: User | None, enrolment: Enrolment, status: str, action: str) -> None:
    """Move a locked enrolment along its status table, save it, and audit the move."""
    before = enrolment.snapshot()
    enrolment.transition_to(status)
    enrolment.save(update_fields=["status", "status_changed_at"])
    audit_record(
        actor=actor,
        action=f"enrolment.{action}",
        obj=enrolment,
        before=before,
        after=enrolment.snapshot(),
        facility=enrolment.learner.facility,
    )


def enrolment_set_status(*, actor: User, enrolment: Enrolment, status: str) -> Enrolment:
    """Pause, stop or resume an enrolment (completion is reached only by completing).

    The learner may change their own; staff those of learners they manage, except in a
    voluntary programme, where only the person decides. Refuses moves the status table
    does not allow (``EnrolmentTransitionError``).
    """
    if status == Enrolment.Status.COMPLETED:
        raise NotAllowed(_("A course is completed by meeting its completion rule."))
    if actor.pk != enrolment.learner_id:
        if not may_manage_learner(actor, enrolment.learner):
            raise NotAllowed(_("You may not change this enrolment."))
        if (
            CoursePage.objects.voluntary_keys()
            .filter(translation_key=enrolment.course_key)
            .exists()
        ):
            # Pausing, stopping or resuming someone's voluntary programme is theirs alone.
            raise NotAllowed(_only_by_the_person())
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == status:
            return enrolment
        _enrolment_move(actor=actor, enrolment=enrolment, status=status, action=status)
    return enrolment


#: How far ahead a target date may be (a longer one is a typing mistake).
TARGET_HORIZON_DAYS = 5 * 366


def learner_today(learner: User) -> date:
    """Today in the learner's facility's time zone (the day deadlines are counted in)."""
    return timezone.localdate(timezone=learner.facility.tzinfo if learner.facility else None)


def enrolment_set_target(*, actor: User, enrolment: Enrolment, target_on: date | None) -> Enrolment:
    """Set (or, with None, clear) an officer's target date on an enrolment of a learner
    they manage. The days that do not count (``training``) move it later; setting it
    again starts the count afresh from today.

    Never on a voluntary programme (the person takes it at their own pace, and a date
    set by staff would be pressure to take part), nor by the learner, nor on a completed
    course; the date is today or later, within five years."""
    learner = enrolment.learner
    if actor.pk == enrolment.learner_id or not may_manage_learner(actor, learner):
        raise NotAllowed(_("You may not change this enrolment."))
    if CoursePage.objects.voluntary_keys().filter(translation_key=enrolment.course_key).exists():
        raise NotAllowed(
            _("A voluntary programme has no target date: the person takes it at their own pace.")
        )
    today = learner_today(learner)
    if target_on is not None and target_on < today:
        raise NotAllowed(_("Choose a target date from today on."))
    if target_on is not None and (target_on - today).days > TARGET_HORIZON_DAYS:
        raise NotAllowed(_("Choose a target date within five years."))
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == Enrolment.Status.COMPLETED:
            raise NotAllowed(_("This course is already completed."))
        if enrolment.target_on == target_on and (target_on is None or enrolment.target_set_on):
            return enrolment
        before = enrolment.snapshot()
        enrolment.target_on = target_on
        enrolment.target_set_on = today if target_on else None
        enrolment.due_on = target_on
        enrolment.paused_days = 0
        enrolment.save(update_fields=["target_on", "target_set_on", "due_on", "paused_days"])
        audit_record(
            actor=actor,
            action="enrolment.target",
            obj=enrolment,
            before=before,
            after=enrolment.snapshot(),
            facility=learner.facility,
        )
        enrolment_target_set.send(sender=Enrolment, enrolment=enrolment)
    return enrolment


def enrolments_move_due(moves: list[tuple[uuid.UUID, date, int]]) -> int:
    """Write target dates as the training app moved them: ``(enrolment id, due date,
    paused days)``. Derived from the target and the recorded pauses (which are audited
    themselves), so not audited again. Returns how many rows changed."""
    if not moves:
        return 0
    rows = [Enrolment(pk=pk, due_on=due_on, paused_days=paused) for pk, due_on, paused in moves]
    return Enrolment.objects.bulk_update(rows, ["due_on", "paused_days"], batch_size=500)


def lesson_complete(*, actor: User, lesson: LessonPage) -> LessonProgress:
    """Record that ``actor`` finished ``lesson``, and complete the course the moment its
    rule is met.

    Refused (``ActivityNotPassed``) while a required quiz or activity of this lesson
    version is not passed: "done" means the lesson's work is done.

    Idempotent and safe under concurrency: the learner's enrolment row is locked for the
    duration, so two requests for the same course run one after the other, and the unique
    (learner, lesson) row makes the second a no-op.
    """
    course = lesson.course
    if not lesson.live or not audience_allows(actor, course.audience):
        raise NotAllowed(_("This lesson is not open to you."))
    _require_consent(actor, course)
    outstanding = lesson_outstanding_activities(learner=actor, lesson=lesson)
    if outstanding:
        first = outstanding[0]
        if first.kind == "quiz":
            message = _("Pass the quiz “%(title)s” first: this lesson needs it.")
        else:
            message = _("Pass the activity “%(title)s” first: this lesson needs it.")
        raise ActivityNotPassed(message % {"title": first.title})
    with transaction.atomic():
        enrolment = _locked_enrolment(actor, course)
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


def _locked_enrolment(learner: User, course: CoursePage) -> Enrolment:
    """The learner's enrolment, row-locked for the rest of the transaction, or
    ``NotEnrolled`` if it is not open for progress."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(learner=learner, course_key=course.translation_key)
        .first()
    )
    if enrolment is None or enrolment.status not in (
        Enrolment.Status.ACTIVE,
        Enrolment.Status.COMPLETED,
    ):
        raise NotEnrolled(_("Join the course to record your progress."))
    return enrolment


def lesson_time_record(
    *, actor: User, lesson: LessonPage, seconds: int, report_id: uuid.UUID | None = None
) -> TimeReportOutcome:
    """Add ``seconds`` of active time to ``actor``'s progress in ``lesson``, and complete
    the course if that meets a minimum-time rule.

    The browser reports deltas of real activity; the server credits no more than
    ``MAX_SECONDS_PER_REPORT`` and no more than the wall-clock time that passed (against
    the lesson's time watermark, so reports queued offline and sent together still
    count), so a forged or replayed report cannot claim hours. Idempotent per
    ``report_id`` (the page makes one per report): a report sent again changes nothing.
    Without an id, every call is a new report. See ``courses.time_reports``.
    """
    course = lesson.course
    seconds = max(0, min(int(seconds), MAX_SECONDS_PER_REPORT))
    if not lesson.live or not audience_allows(actor, course.audience):
        raise NotAllowed(_("This lesson is not open to you."))
    _require_consent(actor, course)
    outcome = time_report_store(
        learner_id=actor.pk,
        course_key=course.translation_key,
        lesson_id=lesson.pk,
        lesson_key=lesson.translation_key,
        client_id=report_id or uuid.uuid4(),
        seconds=seconds,
        now=timezone.now(),
        limit=MAX_SECONDS_PER_REPORT,
    )
    if outcome.enrolment_id is None:
        raise NotEnrolled(_("Join the course to record your progress."))
    if (
        outcome.created
        and seconds
        and course.complete_after_minutes
        and outcome.enrolment_status == Enrolment.Status.ACTIVE
        and seconds_spent(learner_id=actor.pk, lesson_keys=course_lesson_keys(course))
        >= course.complete_after_minutes * 60
    ):
        with transaction.atomic():
            enrolment = _locked_enrolment(actor, course)
            if enrolment.status == Enrolment.Status.ACTIVE:
                course_completion_evaluate(actor=actor, enrolment=enrolment, course=course)
    return outcome


def activity_result_record(
    *,
    actor: User,
    lesson: LessonPage,
    activity_key: str,
    kind: str,
    score: float,
    max_score: float,
    pass_mark: int,
) -> ActivityResult:
    """Record one scored attempt at an activity of ``lesson`` and keep the best.

    ``pass_mark`` (percent) comes from the lesson's block, never from the browser; the
    score is clamped to 0..max. Passing is stamped once and never undone, and may complete
    the course. Repeating the same attempt only counts it again in ``attempts``.
    """
    course = lesson.course
    if not lesson.live or not audience_allows(actor, course.audience):
        raise NotAllowed(_("This lesson is not open to you."))
    _require_consent(actor, course)
    scaled = 0.0 if max_score <= 0 else max(0.0, min(1.0, float(score) / float(max_score)))
    with transaction.atomic():
        enrolment = _locked_enrolment(actor, course)
        result, _created = ActivityResult.objects.get_or_create(
            learner=actor,
            lesson_key=lesson.translation_key,
            activity_key=activity_key,
            defaults={"enrolment": enrolment, "kind": kind},
        )
        before = {"best_score": result.best_score, "passed": result.passed}
        result.attempts += 1
        result.best_score = max(result.best_score, scaled)
        result.updated_at = timezone.now()
        newly_passed = result.passed_at is None and scaled * 100 >= pass_mark
        if newly_passed:
            result.passed_at = result.updated_at
        result.save()
        audit_record(
            actor=actor,
            action="activity.result",
            obj=result,
            before=before,
            after={"score": scaled, "best_score": result.best_score, "passed": result.passed},
            facility=actor.facility,
        )
        if newly_passed and enrolment.status == Enrolment.Status.ACTIVE:
            course_completion_evaluate(actor=actor, enrolment=enrolment, course=course)
    return result


def course_rule_met(*, learner_id: int, course: CoursePage) -> bool:
    """Whether the learner meets every criterion the course switched on."""
    lesson_keys = course_lesson_keys(course)
    progress = list(
        LessonProgress.objects.filter(
            learner_id=learner_id, lesson_key__in=lesson_keys
        ).values_list("lesson_key", "completed_at", "seconds_spent")
    )
    if course.complete_when_all_lessons_done:
        done = {key for key, completed_at, _seconds in progress if completed_at is not None}
        if not lesson_keys or lesson_keys - done:
            return False
    if course.complete_when_activities_passed:
        passed = passed_activities(learner_id, lesson_keys)
        if not required_activities_met(course_required_activities(course), passed):
            return False
    if course.complete_after_minutes:
        spent = sum(seconds for _key, _completed_at, seconds in progress)
        if spent < course.complete_after_minutes * 60:
            return False
    return True


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
    if not course_rule_met(learner_id=enrolment.learner_id, course=course):
        return None
    completion = CourseCompletion.objects.create(
        learner_id=enrolment.learner_id,
        enrolment=enrolment,
        course=course,
        course_key=enrolment.course_key,
    )
    _enrolment_move(
        actor=actor, enrolment=enrolment, status=Enrolment.Status.COMPLETED, action="complete"
    )
    course_completed.send(sender=CourseCompletion, completion=completion, course=course)
    return completion


def enrolment_complete_by_hand(
    *, actor: User, learner: User, course: CoursePage, completed_on: date
) -> CourseCompletion:
    """Record that ``learner`` completed ``course`` outside the system (a classroom
    course), on ``completed_on``, when an education officer issues the certificate by
    hand: the enrolment (made if there is none, source ASSIGNED) moves to completed and
    gets its completion row. Sends no ``course_completed``: the caller issues the
    certificate itself. Idempotent: an enrolment already completed keeps its completion.
    The caller checks that ``actor`` may act for the person and the course."""
    completed_at = timezone.make_aware(datetime.combine(completed_on, time(12)))
    with transaction.atomic():
        enrolment, created = Enrolment.objects.select_for_update().get_or_create(
            learner=learner,
            course_key=course.translation_key,
            defaults={"course": course, "source": Enrolment.Source.ASSIGNED, "enrolled_by": actor},
        )
        if created:
            audit_record(
                actor=actor,
                action="enrolment.create",
                obj=enrolment,
                after=enrolment.snapshot(),
                facility=learner.facility,
            )
        existing = CourseCompletion.objects.filter(enrolment=enrolment).first()
        if existing is not None:
            return existing
        completion = CourseCompletion.objects.create(
            learner=learner,
            enrolment=enrolment,
            course=course,
            course_key=enrolment.course_key,
            completed_at=completed_at,
        )
        if enrolment.status != Enrolment.Status.ACTIVE:
            _enrolment_move(
                actor=actor, enrolment=enrolment, status=Enrolment.Status.ACTIVE, action="resume"
            )
        _enrolment_move(
            actor=actor,
            enrolment=enrolment,
            status=Enrolment.Status.COMPLETED,
            action="complete_by_hand",
        )
    return completion


def quiz_attempt_submit(
    *,
    actor: User,
    lesson: LessonPage,
    activity_key: str,
    answers: dict[int, tuple[int, ...]],
    submission_key: uuid.UUID,
) -> QuizAttempt:
    """Mark ``actor``'s answers to the quiz block ``activity_key`` of ``lesson`` on the
    server, keep the attempt, and record the result (which may complete the course).

    Idempotent per ``submission_key``: a double submit returns the first attempt.
    """
    from .blocks import QuizBlock
    from .quiz import mark_quiz

    block = next(
        (b for b in lesson.body if b.id == activity_key and isinstance(b.block, QuizBlock)),
        None,
    )
    if block is None:
        raise NotAllowed(_("This quiz is not in the lesson."))
    existing = QuizAttempt.objects.filter(learner=actor, submission_key=submission_key).first()
    if existing is not None:
        return existing
    marking = mark_quiz(block.value["questions"], answers)
    pass_mark = block.value["pass_mark"]
    with transaction.atomic():
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    learner=actor,
                    lesson_key=lesson.translation_key,
                    activity_key=activity_key,
                    submission_key=submission_key,
                    answers=marking.to_json(),
                    score=marking.score,
                    max_score=marking.max_score,
                    passed=marking.percent >= pass_mark,
                )
        except IntegrityError:
            return QuizAttempt.objects.get(learner=actor, submission_key=submission_key)
        activity_result_record(
            actor=actor,
            lesson=lesson,
            activity_key=activity_key,
            kind=ActivityResult.Kind.QUIZ,
            score=marking.score,
            max_score=marking.max_score,
            pass_mark=pass_mark,
        )
    return attempt


# --- Consent --------------------------------------------------------------------------------


def _require_consent(learner: User, course: CoursePage) -> None:
    """Courses that ask for consent record no progress without it (see ``consent``)."""
    if consent_needed(learner_id=learner.pk, course=course):
        raise NotAllowed(_("Agree to take part before you start."))


@dataclass
class BulkEnrolOutcome:
    """What enrolling one person of a group did, or would do."""

    ENROLLED = "enrolled"
    RESUMED = "resumed"
    ALREADY_ENROLLED = "already_enrolled"
    ALREADY_COMPLETED = "already_completed"
    REFUSED = "refused"

    learner: User
    outcome: str
    reason: str = ""


#: The most people one bulk enrolment takes (a large unit; more is a mistake).
BULK_ENROL_LIMIT = 500


def enrolments_create_many(
    *,
    actor: User,
    learners: list[User],
    course: CoursePage,
    dry_run: bool = False,
    target_on: date | None = None,
) -> list[BulkEnrolOutcome]:
    """Enrol each of ``learners`` on ``course`` through ``enrolment_create`` (every rule
    and audit row of one enrolment, per person), and say what happened to each: enrolled,
    resumed, already enrolled, already completed (nothing done), or refused with the
    reason. One refusal never stops the others. ``target_on`` sets each one's target date
    (``enrolment_set_target``); a person whose target is refused is not enrolled either.

    ``dry_run`` runs the very same enrolments in a transaction that is rolled back, so a
    preview says exactly what confirming would do and keeps no row (nor audit row)."""
    if len(learners) > BULK_ENROL_LIMIT:
        raise NotAllowed(_("Enrol at most %(limit)s people at once.") % {"limit": BULK_ENROL_LIMIT})
    before = dict(
        Enrolment.objects.filter(
            learner__in=learners, course_key=course.translation_key
        ).values_list("learner_id", "status")
    )
    outcomes: list[BulkEnrolOutcome] = []
    with transaction.atomic():
        for learner in learners:
            status = before.get(learner.pk)
            if status == Enrolment.Status.COMPLETED:
                outcomes.append(BulkEnrolOutcome(learner, BulkEnrolOutcome.ALREADY_COMPLETED))
                continue
            try:
                with transaction.atomic():
                    enrolment = enrolment_create(
                        actor=actor,
                        learner=learner,
                        course=course,
                        source=Enrolment.Source.ASSIGNED,
                    )
                    if target_on is not None:
                        enrolment_set_target(actor=actor, enrolment=enrolment, target_on=target_on)
            except CourseError as error:
                outcomes.append(BulkEnrolOutcome(learner, BulkEnrolOutcome.REFUSED, str(error)))
                continue
            if status is None:
                outcome = BulkEnrolOutcome.ENROLLED
            elif status in (Enrolment.Status.WITHDRAWN, Enrolment.Status.PAUSED):
                outcome = BulkEnrolOutcome.RESUMED
            else:
                outcome = BulkEnrolOutcome.ALREADY_ENROLLED
            outcomes.append(BulkEnrolOutcome(learner, outcome))
        if dry_run:
            transaction.set_rollback(True)
    return outcomes
