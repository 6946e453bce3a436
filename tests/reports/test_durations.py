"""Median days from enrolment to completion: hand-counted, shown only over the threshold,
voluntary programmes left out, scoped to the facilities a viewer may see."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from courses.models import CourseCompletion, Enrolment
from lms.core.models import User
from reports.durations import median_days_to_complete
from reports.periods import Period
from tests import factories

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
DONE = datetime.datetime(2026, 9, 25, 10, 0, tzinfo=ALMATY)
PERIOD = Period(first=datetime.date(2026, 9, 1), months=1)


def complete_after(course, facility, days):
    learner = factories.PrisonerFactory(facility=facility)
    enrolment = Enrolment.objects.create(
        learner=learner,
        course=course,
        course_key=course.translation_key,
        source="self",
        status="completed",
        created_at=DONE - datetime.timedelta(days=days),
    )
    CourseCompletion.objects.create(
        learner=learner,
        enrolment=enrolment,
        course=course,
        course_key=course.translation_key,
        completed_at=DONE,
    )


@pytest.fixture
def paced(db):
    north = factories.FacilityFactory(code="north", name="North")
    south = factories.FacilityFactory(code="south", name="South")
    course = factories.make_course(title="Carpentry", lessons=1)
    faith = factories.make_course(title="Paths", programme_type="faith_based", lessons=1)
    for days in (1, 2, 3, 10, 40):
        complete_after(course, north, days)
    for days in (5, 5, 5, 5):
        complete_after(course, south, days)
    for days in (90, 90, 90, 90, 90):
        complete_after(faith, north, days)  # never counted
    return {"north": north, "south": south}


def test_the_median_per_facility_and_over_all_is_the_hand_count(paced):
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    durations = median_days_to_complete(actor=admin, period=PERIOD)
    assert [(row.facility.code, row.days) for row in durations.rows] == [
        ("north", 3),  # 1 2 [3] 10 40
        ("south", None),  # four completions: fewer than the threshold
    ]
    assert durations.total == 5  # 1 2 3 5 [5] 5 5 10 40


def test_an_officer_gets_their_facility_only(paced):
    officer = factories.OfficerFactory(facility=paced["south"])
    durations = median_days_to_complete(actor=officer, period=PERIOD)
    assert [row.facility.code for row in durations.rows] == ["south"]
    assert durations.total is None


def test_the_overview_shows_it_in_kazakh(client, paced):
    monitor = factories.UserFactory(role=User.Role.MONITOR, facility=None)
    client.force_login(monitor)
    html = client.get(
        reverse("reports:overview") + "?from=2026-09&to=2026-09", HTTP_ACCEPT_LANGUAGE="kk"
    ).content.decode()
    table = html[html.index('id="median-days"') : html.index("</table>", html.index("median-days"))]
    assert "North</th><td>3</td>" in table and "<td>5</td>" in table
    assert "90" not in table


def test_the_same_queries_however_many_completions(paced, django_assert_num_queries):
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    with django_assert_num_queries(2):
        median_days_to_complete(actor=admin, period=PERIOD)
    course = factories.make_course(title="Welding", lessons=1)
    for days in range(20):
        complete_after(course, paced["south"], days)
    with django_assert_num_queries(2):
        median_days_to_complete(actor=admin, period=PERIOD)
