"""The officer's learner list at the scale of a facility: search, filters, pagination and
progress columns, never counting voluntary programmes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrolment
from courses.services import enrolment_create
from tests import factories

pytestmark = pytest.mark.django_db


def _rows(response) -> str:
    return response.content.decode()


def test_an_officer_finds_a_learner_by_number_or_name(client, officer, facility_a):
    wanted = factories.PrisonerFactory(facility=facility_a, first_name="Aigerim", last_name="Bek")
    other = factories.PrisonerFactory(facility=facility_a, first_name="Ivan", last_name="Petrov")
    client.force_login(officer)
    by_number = _rows(client.get(reverse("manage:learners"), {"q": wanted.prisoner_number}))
    assert "Aigerim Bek" in by_number and "Ivan Petrov" not in by_number
    by_name = _rows(client.get(reverse("manage:learners"), {"q": "petr"}))
    assert "Ivan Petrov" in by_name and "Aigerim Bek" not in by_name
    assert other.get_full_name() in _rows(client.get(reverse("manage:learners")))


def test_an_officer_filters_by_unit_course_and_status(client, officer, facility_a, prisoner_course):
    unit = factories.UnitFactory(facility=facility_a, name="Block C")
    in_unit = factories.PrisonerFactory(facility=facility_a, unit=unit, first_name="Dana")
    elsewhere = factories.PrisonerFactory(facility=facility_a, first_name="Erlan")
    enrolment_create(actor=officer, learner=elsewhere, course=prisoner_course, source="assigned")
    client.force_login(officer)
    page = _rows(client.get(reverse("manage:learners"), {"unit": unit.pk}))
    assert "Dana" in page and "Erlan" not in page
    page = _rows(
        client.get(
            reverse("manage:learners"),
            {"course": str(prisoner_course.translation_key), "status": "active"},
        )
    )
    assert "Erlan" in page and "Dana" not in page
    assert "Erlan" not in _rows(client.get(reverse("manage:learners"), {"status": "completed"}))
    assert in_unit.pk


def test_a_unit_of_another_facility_cannot_be_chosen(client, officer, facility_b):
    foreign = factories.UnitFactory(facility=facility_b)
    client.force_login(officer)
    response = client.get(reverse("manage:learners"), {"unit": foreign.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]


def test_voluntary_programmes_neither_count_nor_filter(client, officer, facility_a):
    faith = factories.make_course(
        title="Paths", programme_type="faith_based", audience="prisoners", lessons=1
    )
    learner = factories.PrisonerFactory(facility=facility_a, first_name="Zarina")
    enrolment_create(actor=learner, learner=learner, course=faith)
    client.force_login(officer)
    response = client.get(reverse("manage:learners"))
    row = next(r for r in response.context["learners"] if r.pk == learner.pk)
    assert row.courses_active == 0
    assert "Paths" not in _rows(response)  # not among the course filter's choices
    filtered = client.get(reverse("manage:learners"), {"course": str(faith.translation_key)})
    assert filtered.context["form"].errors["course"]


def test_the_list_is_paged_with_the_filters_kept(client, officer, facility_a):
    for _ in range(55):
        factories.PrisonerFactory(facility=facility_a, first_name="Many")
    client.force_login(officer)
    first = client.get(reverse("manage:learners"), {"q": "Many"})
    assert len(first.context["learners"]) == 50
    assert "q=Many&amp;page=2" in _rows(first)
    second = client.get(reverse("manage:learners"), {"q": "Many", "page": 2})
    assert len(second.context["learners"]) == 5


def test_the_list_takes_as_many_queries_for_many_learners_as_for_few(
    client, officer, facility_a, prisoner_course
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("manage:learners")).status_code == 200
        return len(queries)

    client.force_login(officer)
    learner = factories.PrisonerFactory(facility=facility_a)
    enrolment_create(actor=officer, learner=learner, course=prisoner_course, source="assigned")
    few = count()
    for _ in range(10):
        more = factories.PrisonerFactory(
            facility=facility_a, unit=factories.UnitFactory(facility=facility_a)
        )
        enrolment_create(actor=officer, learner=more, course=prisoner_course, source="assigned")
    assert count() == few


def test_enrolling_someone_on_a_course_they_completed_says_so(
    client, officer, prisoner, prisoner_course
):
    enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    Enrolment.objects.update(status=Enrolment.Status.COMPLETED)
    client.force_login(officer)
    page = reverse("manage:learner", args=[prisoner.public_id])
    response = client.post(page, {"course": prisoner_course.pk}, follow=True)
    text = response.content.decode()
    assert "has already completed" in text
    assert "is enrolled on" not in text


def test_the_learner_page_shows_scores_time_dates_and_last_activity(
    client, officer, prisoner, prisoner_course
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from courses.models import ActivityResult, LessonProgress
    from courses.services import lesson_complete

    enrolment = enrolment_create(
        actor=officer, learner=prisoner, course=prisoner_course, source="assigned"
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    )
    lesson = prisoner_course.lessons().specific().first()
    lesson_complete(actor=prisoner, lesson=lesson)
    last = datetime(2026, 4, 7, 15, 30, tzinfo=ZoneInfo("Asia/Almaty"))
    LessonProgress.objects.update(seconds_spent=1500, completed_at=last, created_at=last)
    ActivityResult.objects.create(
        learner=prisoner,
        enrolment=enrolment,
        lesson_key=lesson.translation_key,
        activity_key="quiz-1",
        kind="quiz",
        best_score=0.8,
        attempts=2,
        updated_at=datetime(2026, 4, 1, tzinfo=ZoneInfo("Asia/Almaty")),
    )
    client.force_login(officer)
    page = client.get(reverse("manage:learner", args=[prisoner.public_id])).content.decode()
    assert "80% (2 attempts)" in page
    assert "25 min" in page
    assert "03/02/2026" in page  # enrolled (SHORT_DATE_FORMAT in English)
    assert "04/07/2026 3:30 p.m." in page  # the last activity


def test_the_header_search_box_does_not_show_the_list_filters(client, officer, facility_a):
    unit = factories.UnitFactory(facility=facility_a)
    client.force_login(officer)
    page = client.get(reverse("manage:learners"), {"unit": unit.pk}).content.decode()
    assert 'id="site-search-q" name="q" value=""' in page
