import threading
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from wagtail.models import Locale

from certificates.models import Certificate
from courses.models import (
    CourseCompletion,
    Enrolment,
    LessonPage,
    LessonProgress,
    LessonTimeReport,
)
from courses.selectors import course_overview, lesson_outstanding_activities, lesson_overview
from courses.services import (
    ActivityNotPassed,
    NotEnrolled,
    activity_result_record,
    enrolment_create,
    lesson_complete,
)
from lms.core.models import AuditEvent
from tests import factories
from tests.kiosk_client import sign_in


def lessons_of(course):
    return list(course.lessons().specific())


@pytest.mark.django_db
def test_recording_a_lesson_twice_records_it_once(prisoner, prisoner_course):
    enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    lesson = lessons_of(prisoner_course)[0]
    lesson_complete(actor=prisoner, lesson=lesson)
    lesson_complete(actor=prisoner, lesson=lesson)
    assert LessonProgress.objects.filter(learner=prisoner).count() == 1
    assert AuditEvent.objects.filter(action="lesson.complete").count() == 1


@pytest.mark.django_db
def test_progress_needs_an_enrolment(prisoner, prisoner_course):
    with pytest.raises(NotEnrolled):
        lesson_complete(actor=prisoner, lesson=lessons_of(prisoner_course)[0])
    assert not LessonProgress.objects.exists()


@pytest.mark.django_db
def test_the_course_completes_the_moment_the_last_lesson_is_done(
    prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    enrolment = enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    *first, last = lessons_of(prisoner_course)
    for lesson in first:
        lesson_complete(actor=prisoner, lesson=lesson)
    assert not CourseCompletion.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lesson_complete(actor=prisoner, lesson=last)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    completion = CourseCompletion.objects.get()
    assert completion.enrolment == enrolment
    # The certificate row exists in the same transaction; rendering waits for commit.
    certificate = Certificate.objects.get(completion=completion)
    assert certificate.status == Certificate.Status.PENDING
    for callback in callbacks:  # the commit: rendering (and training's re-evaluation) run now
        callback()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert AuditEvent.objects.filter(action="enrolment.complete", actor=prisoner).count() == 1


@pytest.mark.django_db
def test_a_course_without_certificate_completes_without_one(prisoner):
    course = factories.make_course(issues_certificate=False, lessons=1)
    enrolment_create(actor=prisoner, learner=prisoner, course=course)
    lesson_complete(actor=prisoner, lesson=lessons_of(course)[0])
    assert CourseCompletion.objects.count() == 1
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_progress_follows_the_learner_across_languages(prisoner, prisoner_course):
    """A lesson done in Russian counts for the English course too."""
    russian = Locale.objects.create(language_code="ru")
    course_ru = prisoner_course.copy_for_translation(russian, copy_parents=True)
    course_ru.save_revision().publish()
    lessons = lessons_of(prisoner_course)
    for lesson in lessons:
        lesson.copy_for_translation(russian).save_revision().publish()
    enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    lesson_ru = LessonPage.objects.get(translation_key=lessons[0].translation_key, locale=russian)
    lesson_complete(actor=prisoner, lesson=lesson_ru)
    overview = course_overview(user=prisoner, course=prisoner_course)
    assert overview.total == 3
    assert overview.done == 1
    assert [entry.done for entry in overview.lessons] == [True, False, False]


@pytest.mark.django_db
def test_done_the_course_page_and_the_lesson_page_agree_on_what_is_left_in_every_language(
    prisoner, rich_course
):
    """One rule (``lesson_outstanding_activities``) behind refusing "done", the course
    page's to-do list and the lesson page's notice; a pass in the Russian version (the
    same block id) counts in the English one."""
    enrolment_create(actor=prisoner, learner=prisoner, course=rich_course)
    lesson = lessons_of(rich_course)[0]
    lesson_ru = LessonPage.objects.get(
        translation_key=lesson.translation_key, locale__language_code="ru"
    )
    quiz = next(block.id for block in lesson.body if block.block_type == "quiz")
    assert [block.id for block in lesson_ru.body if block.block_type == "quiz"] == [quiz]

    def left(user, page):
        return [item.activity_key for item in lesson_overview(user=user, lesson=page).outstanding]

    with pytest.raises(ActivityNotPassed, match="Pass the quiz “Check” first"):
        lesson_complete(actor=prisoner, lesson=lesson)
    assert left(prisoner, lesson) == left(prisoner, lesson_ru) == [quiz]
    assert left(AnonymousUser(), lesson) == [quiz]
    assert course_overview(user=prisoner, course=rich_course).to_do[0] == (
        f"Pass the quiz in “{lesson.title}”"
    )

    activity_result_record(
        actor=prisoner,
        lesson=lesson_ru,
        activity_key=quiz,
        kind="quiz",
        score=1,
        max_score=1,
        pass_mark=50,
    )
    assert left(prisoner, lesson) == left(prisoner, lesson_ru) == []
    assert lesson_outstanding_activities(learner=prisoner, lesson=lesson) == []
    assert not any(
        text.startswith("Pass the")
        for text in course_overview(user=prisoner, course=rich_course).to_do
    )
    assert lesson_complete(actor=prisoner, lesson=lesson).completed_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services
def test_concurrent_requests_record_one_lesson_and_one_completion(facility_a):
    """Two requests at once for each lesson (the last two finishing together) give one row
    per lesson, one completion and one certificate."""
    prisoner = factories.PrisonerFactory(facility=facility_a)
    course = factories.make_course(lessons=2)
    enrolment_create(actor=prisoner, learner=prisoner, course=course)
    lessons = lessons_of(course)
    errors = []
    barrier = threading.Barrier(4)

    def record(lesson):
        try:
            barrier.wait(timeout=10)
            lesson_complete(actor=prisoner, lesson=lesson)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection; let the test DB go

    threads = [threading.Thread(target=record, args=(lesson,)) for lesson in lessons * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert LessonProgress.objects.filter(learner=prisoner).count() == 2
    assert CourseCompletion.objects.filter(learner=prisoner).count() == 1
    assert Certificate.objects.filter(learner=prisoner).count() == 1


@pytest.mark.django_db
def test_a_required_activity_decides_completion_on_the_servers_pass_mark(prisoner, monkeypatch):
    from courses import services
    from courses.services import activity_result_record

    course = factories.make_course(lessons=1)
    course.complete_when_all_lessons_done = False
    course.complete_when_activities_passed = True
    course.save()
    lesson = lessons_of(course)[0]
    # Which blocks are required is the quiz/H5P blocks' business (tested with them).
    monkeypatch.setattr(
        services, "course_required_activities", lambda course: {lesson.translation_key: [{"act-1"}]}
    )
    enrolment_create(actor=prisoner, learner=prisoner, course=course)

    def attempt(score):
        return activity_result_record(
            actor=prisoner,
            lesson=lesson,
            activity_key="act-1",
            kind="quiz",
            score=score,
            max_score=10,
            pass_mark=70,
        )

    result = attempt(6)
    assert not result.passed and not CourseCompletion.objects.exists()
    result = attempt(15)  # a forged score is clamped to the maximum
    assert result.passed and result.best_score == 1.0 and result.attempts == 2
    assert CourseCompletion.objects.filter(learner=prisoner).count() == 1
    result = attempt(1)  # a worse attempt later keeps the best result and the pass
    assert result.passed and result.best_score == 1.0


@pytest.mark.django_db
def test_minimum_time_counts_reports_capped_by_the_clock(prisoner, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from courses import services
    from courses.services import MAX_SECONDS_PER_REPORT, lesson_time_record

    clock = [timezone.now()]
    monkeypatch.setattr(services.timezone, "now", lambda: clock[0])

    def later(seconds):
        clock[0] += timedelta(seconds=seconds)

    course = factories.make_course(lessons=2)
    course.complete_after_minutes = 5
    course.save()
    enrolment_create(actor=prisoner, learner=prisoner, course=course)
    first, second = lessons_of(course)
    lesson_complete(actor=prisoner, lesson=first)
    lesson_complete(actor=prisoner, lesson=second)
    assert not CourseCompletion.objects.exists()  # lessons done, but not long enough
    progress = lesson_time_record(actor=prisoner, lesson=first, seconds=10_000)
    assert progress.seconds_spent == MAX_SECONDS_PER_REPORT  # one report is capped
    later(5)
    progress = lesson_time_record(actor=prisoner, lesson=first, seconds=100)
    assert progress.seconds_spent == MAX_SECONDS_PER_REPORT + 5  # no more than the clock ran
    later(120)
    lesson_time_record(actor=prisoner, lesson=second, seconds=120)
    assert not CourseCompletion.objects.exists()  # 245 s of 300
    later(60)
    lesson_time_record(actor=prisoner, lesson=second, seconds=60)
    assert CourseCompletion.objects.filter(learner=prisoner).count() == 1


@pytest.mark.django_db
def test_the_lesson_page_reports_time_over_http(client, prisoner, prisoner_course, monkeypatch):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from courses import services

    clock = [timezone.now()]
    monkeypatch.setattr(services.timezone, "now", lambda: clock[0])
    lesson = lessons_of(prisoner_course)[0]
    url = reverse("learning:lesson_time", args=[lesson.pk])
    report = {"id": str(uuid.uuid4()), "seconds": "30"}
    assert client.post(url, report).status_code == 401  # signed out: nothing kept
    sign_in(client, prisoner)
    assert client.post(url, report).status_code == 409  # not enrolled
    assert not LessonTimeReport.objects.exists()
    enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    assert 'data-lesson-time-url="' + url in client.get(lesson.get_url()).content.decode()
    assert client.post(url, {**report, "seconds": "thirty"}).status_code == 400
    assert client.post(url, {"seconds": "30"}).status_code == 400  # no id
    assert client.post(url, report).status_code == 204
    clock[0] += timedelta(seconds=40)
    assert client.post(url, report).status_code == 204  # sent again: counted once
    assert _seconds(prisoner, lesson) == 30
    assert client.post(url, {"id": str(uuid.uuid4()), "seconds": "30"}).status_code == 204
    assert _seconds(prisoner, lesson) == 60
    assert LessonTimeReport.objects.filter(learner=prisoner).count() == 2
    assert client.get(url).status_code == 405


def _seconds(learner, lesson):
    progress = LessonProgress.objects.get(learner=learner, lesson_key=lesson.translation_key)
    return progress.seconds_spent


@pytest.mark.django_db
def test_a_time_report_for_a_lesson_outside_the_audience_is_not_found(client, staff_member):
    course = factories.make_course(audience="prisoners", lessons=1)
    url = reverse_lesson_time(lessons_of(course)[0])
    client.force_login(staff_member)
    response = client.post(url, {"id": str(uuid.uuid4()), "seconds": "30"})
    assert response.status_code == 404
    assert not LessonTimeReport.objects.exists()


def reverse_lesson_time(lesson):
    from django.urls import reverse

    return reverse("learning:lesson_time", args=[lesson.pk])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services
def test_the_same_time_report_sent_twice_at_once_counts_once(prisoner):
    """Two requests with one report id race (a retry while the first is still running):
    one report row, one credit."""
    from courses.services import lesson_time_record

    course = factories.make_course(lessons=1)
    enrolment_create(actor=prisoner, learner=prisoner, course=course)
    lesson = lessons_of(course)[0]
    report_id = uuid.uuid4()
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            outcomes.append(
                lesson_time_record(actor=prisoner, lesson=lesson, seconds=30, report_id=report_id)
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(outcome.created for outcome in outcomes) == [False, True]
    assert LessonTimeReport.objects.filter(learner=prisoner, client_id=report_id).count() == 1
    assert _seconds(prisoner, lesson) == 30


@pytest.mark.django_db
def test_faith_based_courses_always_require_consent():
    course = factories.make_course(programme_type="faith_based", lessons=1)
    course.requires_consent = False
    course.save()
    course.refresh_from_db()
    assert course.requires_consent


@pytest.mark.django_db
def test_old_time_reports_are_purged_and_the_time_they_credited_stays(prisoner, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from courses.services import lesson_time_record

    settings.LESSON_TIME_REPORT_DAYS = 7
    course = factories.make_course(lessons=1)
    enrolment_create(actor=prisoner, learner=prisoner, course=course)
    lesson = lessons_of(course)[0]
    old_id, new_id = uuid.uuid4(), uuid.uuid4()
    lesson_time_record(actor=prisoner, lesson=lesson, seconds=30, report_id=old_id)
    LessonTimeReport.objects.filter(client_id=old_id).update(
        received_at=timezone.now() - timedelta(days=8)
    )
    lesson_time_record(actor=prisoner, lesson=lesson, seconds=30, report_id=new_id)
    call_command("purge_time_reports")
    assert list(LessonTimeReport.objects.values_list("client_id", flat=True)) == [new_id]
    assert _seconds(prisoner, lesson) >= 30  # the summary keeps what was credited
    call_command("purge_time_reports")  # again: nothing more goes
    assert LessonTimeReport.objects.count() == 1


@pytest.mark.django_db
def test_reports_flushed_together_after_an_outage_are_each_credited_within_the_clock(
    prisoner, monkeypatch
):
    """A kiosk offline for 150 s sends its five queued 30 s reports at once: they are
    credited (150 s had passed), no more than the clock ran, and a sixth at once gets 0."""
    from datetime import timedelta

    from django.utils import timezone

    from courses import services
    from courses.services import lesson_time_record

    clock = [timezone.now()]
    monkeypatch.setattr(services.timezone, "now", lambda: clock[0])
    course = factories.make_course(lessons=1)
    enrolment_create(actor=prisoner, learner=prisoner, course=course)
    lesson = lessons_of(course)[0]
    lesson_time_record(actor=prisoner, lesson=lesson, seconds=30)
    clock[0] += timedelta(seconds=150)
    for _ in range(5):
        lesson_time_record(actor=prisoner, lesson=lesson, seconds=30)
    assert _seconds(prisoner, lesson) == 30 + 150
    lesson_time_record(actor=prisoner, lesson=lesson, seconds=30)
    assert _seconds(prisoner, lesson) == 30 + 150
