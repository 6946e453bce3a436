"""Consent for voluntary programmes: given before the first lesson, withdrawn at any time
with no reason, never shown as a failure, and enforced by the progress services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from consent.models import ConsentRecord
from consent.rules import consent_is_current
from consent.selectors import consent_history_for_staff
from consent.services import consent_give, consent_withdraw
from courses.models import Enrolment
from courses.services import (
    NotAllowed,
    activity_result_record,
    enrolment_create,
    lesson_complete,
    lesson_time_record,
)
from lms.core.models import AuditEvent
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.services]


@pytest.fixture
def faith_course(db):
    return factories.make_course(
        title="Paths of peace", programme_type="faith_based", audience="prisoners", lessons=2
    )


@pytest.fixture
def enrolled(prisoner, faith_course):
    enrolment_create(actor=prisoner, learner=prisoner, course=faith_course)
    return prisoner


def first_lesson(course):
    return course.lessons().specific().first()


def test_faith_based_courses_always_require_consent(faith_course):
    faith_course.requires_consent = False
    faith_course.save()
    assert faith_course.requires_consent


def test_no_progress_is_recorded_without_consent(enrolled, faith_course):
    lesson = first_lesson(faith_course)
    with pytest.raises(NotAllowed):
        lesson_complete(actor=enrolled, lesson=lesson)
    with pytest.raises(NotAllowed):
        lesson_time_record(actor=enrolled, lesson=lesson, seconds=30)
    with pytest.raises(NotAllowed):
        activity_result_record(
            actor=enrolled,
            lesson=lesson,
            activity_key="q1",
            kind="quiz",
            score=1,
            max_score=1,
            pass_mark=50,
        )
    consent_give(actor=enrolled, course=faith_course)
    assert lesson_complete(actor=enrolled, lesson=lesson).completed_at is not None


def test_consent_is_given_once_and_withdrawal_stops_the_enrolment(enrolled, faith_course):
    assert consent_give(actor=enrolled, course=faith_course) is not None
    assert consent_give(actor=enrolled, course=faith_course) is None  # a double tap
    consent_withdraw(actor=enrolled, course=faith_course)
    assert not consent_is_current(learner_id=enrolled.pk, course_key=faith_course.translation_key)
    enrolment = Enrolment.objects.get(learner=enrolled)
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.get_status_display() == "Stopped"
    with pytest.raises(NotAllowed):
        lesson_complete(actor=enrolled, lesson=first_lesson(faith_course))
    history = list(
        ConsentRecord.objects.filter(learner=enrolled)
        .order_by("at")
        .values_list("action", flat=True)
    )
    assert history == ["given", "withdrawn"]
    assert AuditEvent.objects.filter(action__in=["consent.give", "consent.withdraw"]).count() == 2


def test_consent_records_are_append_only(enrolled, faith_course):
    record = consent_give(actor=enrolled, course=faith_course)
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        ConsentRecord.objects.all().update(action="withdrawn")
    with pytest.raises(PermissionError):
        ConsentRecord.objects.all().delete()


def test_staff_reads_of_consent_are_scoped_and_audited(enrolled, faith_course, officer, facility_b):
    consent_give(actor=enrolled, course=faith_course)
    records = consent_history_for_staff(viewer=officer, learner=enrolled, reason="plan review")
    assert len(records) == 1
    event = AuditEvent.objects.get(action="consent.read")
    assert event.actor == officer and event.after["reason"] == "plan review"
    with pytest.raises(PermissionDenied):
        consent_history_for_staff(viewer=officer, learner=enrolled, reason=" ")
    other_officer = factories.OfficerFactory(facility=facility_b)
    with pytest.raises(PermissionDenied):
        consent_history_for_staff(viewer=other_officer, learner=enrolled, reason="curious")
    learner = factories.UserFactory(facility=enrolled.facility)
    with pytest.raises(PermissionDenied):
        consent_history_for_staff(viewer=learner, learner=enrolled, reason="curious")


def test_the_course_page_asks_for_consent_before_the_first_lesson(client, enrolled, faith_course):
    sign_in(client, enrolled)
    html = client.get(faith_course.url).content.decode()
    assert "Taking part is your choice" in html and "data-consent-step" in html
    assert "Start the first lesson" not in html
    # The status card is the consent step then, under one heading, not "Your progress".
    assert html.count("Taking part is your choice") == 1 and ">Your progress</h2>" not in html
    # The lesson itself sends the learner back to the consent step.
    response = client.get(first_lesson(faith_course).url)
    assert response.status_code == 302 and response["Location"] == faith_course.url
    client.post(reverse("consent:give", args=[faith_course.pk]))
    html = client.get(faith_course.url).content.decode()
    assert "Start the first lesson" in html and "Stop taking part" in html
    assert client.get(first_lesson(faith_course).url).status_code == 200


def test_stopping_asks_no_reason_and_never_shows_as_a_failure(client, enrolled, faith_course):
    sign_in(client, enrolled)
    client.post(reverse("consent:give", args=[faith_course.pk]))
    confirm = client.get(reverse("consent:withdraw", args=[faith_course.pk])).content.decode()
    assert "do not need to give a reason" in confirm
    assert "<textarea" not in confirm and "reason" not in confirm.split("<form")[1].split(
        "</form>"
    )[0].replace("csrfmiddlewaretoken", "")
    response = client.post(reverse("consent:withdraw", args=[faith_course.pk]), follow=True)
    html = response.content.decode()
    assert "You stopped taking part" in html
    assert "message--error" not in html and "failed" not in html.lower()
    home = client.get(reverse("learning:home")).content.decode()
    assert "Stopped" in home and "message--error" not in home


def test_courses_without_consent_have_no_consent_urls(client, prisoner, prisoner_course):
    sign_in(client, prisoner)
    assert client.post(reverse("consent:give", args=[prisoner_course.pk])).status_code == 404


def test_the_person_joins_themself_and_gives_consent(client, prisoner, faith_course):
    sign_in(client, prisoner)
    client.post(reverse("learning:enrol", args=[faith_course.pk]))
    enrolment = Enrolment.objects.get(learner=prisoner)
    assert enrolment.source == Enrolment.Source.SELF and enrolment.enrolled_by == prisoner
    client.post(reverse("consent:give", args=[faith_course.pk]))
    assert consent_is_current(learner_id=prisoner.pk, course_key=faith_course.translation_key)
    assert lesson_complete(actor=prisoner, lesson=first_lesson(faith_course)).completed_at


def test_staff_cannot_undo_the_persons_decision_to_stop(client, officer, enrolled, faith_course):
    from courses.services import enrolment_set_status

    consent_give(actor=enrolled, course=faith_course)
    consent_withdraw(actor=enrolled, course=faith_course)
    with pytest.raises(NotAllowed):
        enrolment_create(actor=officer, learner=enrolled, course=faith_course)
    enrolment = Enrolment.objects.get(learner=enrolled)
    with pytest.raises(NotAllowed):
        enrolment_set_status(actor=officer, enrolment=enrolment, status="active")
    client.force_login(officer)
    client.post(reverse("manage:learner", args=[enrolled.public_id]), {"course": faith_course.pk})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert not AuditEvent.objects.filter(actor=officer).exists()
    # Joining again is the person's own step, and asks for consent again.
    enrolment_create(actor=enrolled, learner=enrolled, course=faith_course)
    with pytest.raises(NotAllowed):
        lesson_complete(actor=enrolled, lesson=first_lesson(faith_course))


def test_a_translation_that_does_not_say_so_still_asks_for_consent(prisoner):
    """A life-skills course that asks for consent in English is a voluntary programme in
    every language (the policy): its Russian page, saved without the box ticked, asks too."""
    from wagtail.models import Locale

    from courses.models import LessonPage

    course = factories.make_course(title="Leaving the group", programme_type="life_skills")
    course.requires_consent = True
    course.save_revision().publish()
    russian = Locale.objects.create(language_code="ru")
    course_ru = course.copy_for_translation(russian, copy_parents=True)
    course_ru.requires_consent = False
    course_ru.save_revision().publish()
    course_ru.refresh_from_db()
    assert not course_ru.requires_consent and course_ru.asks_for_consent
    lesson = first_lesson(course)
    lesson.copy_for_translation(russian).save_revision().publish()
    lesson_ru = LessonPage.objects.get(translation_key=lesson.translation_key, locale=russian)
    enrolment_create(actor=prisoner, learner=prisoner, course=course_ru)
    with pytest.raises(NotAllowed):
        lesson_complete(actor=prisoner, lesson=lesson_ru)
    consent_give(actor=prisoner, course=course_ru)
    assert lesson_complete(actor=prisoner, lesson=lesson_ru).completed_at is not None


def test_after_stopping_the_rejoin_button_is_not_told_you_can_stop(client, enrolled, faith_course):
    sign_in(client, enrolled)
    client.post(reverse("consent:give", args=[faith_course.pk]))
    client.post(reverse("consent:withdraw", args=[faith_course.pk]))
    html = client.get(faith_course.url).content.decode()
    assert "Rejoin this course" in html
    assert "You can rejoin whenever you wish." in html
    assert "You can stop at any time" not in html
