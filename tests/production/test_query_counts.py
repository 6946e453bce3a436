"""Query counts per page stay constant as a course or a learner's record grows (counts,
not times: bench/ measures the times)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.services import enrolment_create, lesson_complete
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    client.get(url)  # warm: the site root and content types are cached per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def lesson_page_queries(client, learner, lessons: int) -> int:
    course = factories.make_course(lessons=lessons, slug=f"c{lessons}")
    enrolment_create(actor=learner, learner=learner, course=course)
    first, *_ = course.lessons().specific()
    lesson_complete(actor=learner, lesson=first)
    sign_in(client, learner)
    middle = list(course.lessons())[lessons // 2]
    return queries(client, middle.url)


def test_the_lesson_page_costs_the_same_queries_for_1_and_50_lessons(client, facility_a):
    small = lesson_page_queries(client, factories.PrisonerFactory(facility=facility_a), 1)
    large = lesson_page_queries(client, factories.PrisonerFactory(facility=facility_a), 50)
    assert small == large, (small, large)


def test_the_course_page_costs_the_same_queries_for_1_and_50_lessons(client, facility_a):
    counts = []
    for lessons in (1, 50):
        learner = factories.PrisonerFactory(facility=facility_a)
        course = factories.make_course(lessons=lessons, slug=f"course{lessons}")
        enrolment_create(actor=learner, learner=learner, course=course)
        sign_in(client, learner)
        counts.append(queries(client, course.url))
    assert counts[0] == counts[1], counts


def test_the_learning_home_costs_the_same_queries_for_1_and_50_enrolments(client, facility_a):
    courses = [factories.make_course(lessons=2, slug=f"k{n}") for n in range(50)]
    counts = []
    for enrolled in (1, 50):
        learner = factories.PrisonerFactory(facility=facility_a)
        for course in courses[:enrolled]:
            enrolment_create(actor=learner, learner=learner, course=course)
        sign_in(client, learner)
        counts.append(queries(client, reverse("learning:home")))
    assert counts[0] == counts[1], counts


def test_the_officers_learner_list_costs_the_same_for_1_and_50_learners(client, facility_a):
    officer = factories.OfficerFactory(facility=facility_a)
    client.force_login(officer)
    course = factories.make_course(lessons=1)
    counts = []
    for added in (1, 49):  # 1 learner, then 50
        for _ in range(added):
            learner = factories.PrisonerFactory(facility=facility_a)
            enrolment_create(actor=learner, learner=learner, course=course)
        counts.append(queries(client, reverse("manage:learners")))
    assert counts[0] == counts[1], counts
