"""Active learners in the 7 and 30 days before the end of the period's last complete
month, against a hand count (on top of ``conftest.py``'s world), period Sep-Oct 2026 seen
on 5 November, so counted before 1 November:

| facility | active 25-31 Oct | active 2-24 Oct only | not counted                         |
|----------|------------------|----------------------|-------------------------------------|
| Alpha    | 6                | 2                    | 2 faith-based (30 Oct), 1 on 1 Sep, |
|          |                  |                      | 1 on 2 Nov                          |
| Beta     | 2                |                      |                                     |
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from courses.models import CoursePage, Enrolment, LessonProgress
from reports.activity import active_learners, active_until
from reports.periods import Period
from tests.reports.conftest import ALMATY, PERIOD, QUERY

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 5, 12, 0, tzinfo=ALMATY)


def _active(enrolments, when):
    for enrolment in enrolments:
        lesson = CoursePage.objects.get(pk=enrolment.course_id).lessons().first()
        LessonProgress.objects.create(
            learner=enrolment.learner,
            enrolment=enrolment,
            lesson=lesson,
            lesson_key=lesson.translation_key,
            created_at=when,
        )


def day(d):
    return datetime.datetime(2026, *d, 10, 0, tzinfo=ALMATY)


@pytest.fixture
def active_world(world):
    def enrolments(facility, programme_type="vocational"):
        return list(
            Enrolment.objects.filter(
                learner__facility=world[facility], course__programme_type=programme_type
            ).order_by("learner__username")
        )

    alpha, beta = enrolments("alpha"), enrolments("beta")
    _active(alpha[:6], day((10, 28)))
    _active(alpha[6:8], day((10, 10)))
    _active(alpha[8:9], day((9, 1)))
    _active(alpha[9:10], day((11, 2)))
    _active(enrolments("alpha", "faith_based")[:2], day((10, 30)))
    _active(beta, day((10, 29)))
    # Time reported later in the week still counts the learner once.
    LessonProgress.objects.filter(learner=beta[0].learner).update(time_reported_at=day((10, 30)))
    return world


def figures(result):
    return {r.facility.code: [c.value for c in r.counts] for r in result.rows}, [
        c.value for c in result.total
    ]


def test_the_counts_are_taken_at_the_end_of_the_last_complete_month():
    assert active_until(PERIOD, now=NOW) == datetime.datetime(2026, 11, 1, tzinfo=ALMATY)
    under_way = Period(first=datetime.date(2026, 10, 1), months=2)
    assert active_until(under_way, now=NOW) == datetime.datetime(2026, 11, 1, tzinfo=ALMATY)


def test_an_administrator_sees_active_learners_exactly(active_world):
    result = active_learners(actor=active_world["administrator"], period=PERIOD, now=NOW)
    assert figures(result) == ({"alpha": [6, 8], "beta": [2, 2], "gamma": [0, 0]}, [8, 10])


def test_a_monitor_sees_small_counts_hidden_and_the_next_smallest_too(active_world):
    result = active_learners(actor=active_world["monitor"], period=PERIOD, now=NOW)
    assert figures(result) == (
        {"alpha": [None, None], "beta": [None, None], "gamma": [0, 0]},
        [8, 10],
    )


def test_an_officer_sees_their_facility_and_a_part_of_the_total_only_when_shown(active_world):
    result = active_learners(actor=active_world["officer_beta"], period=PERIOD, now=NOW)
    assert figures(result) == ({"beta": [2, 2]}, [2, 2])
    export = active_learners(
        actor=active_world["officer_beta"], period=PERIOD, now=NOW, export=True
    )
    assert figures(export) == ({"beta": [None, None]}, [None, None])


def test_active_learners_take_the_same_queries_however_many_there_are(
    active_world, django_assert_num_queries
):
    monitor = active_world["monitor"]
    with django_assert_num_queries(3):
        active_learners(actor=monitor, period=PERIOD, now=NOW)
    more = Enrolment.objects.filter(learner__facility=active_world["gamma"])
    _active(list(more), day((10, 27)))
    with django_assert_num_queries(3):
        result = active_learners(actor=monitor, period=PERIOD, now=NOW)
    assert figures(result)[0]["gamma"] == [15, 15]


def test_the_overview_shows_active_learners(client, active_world):
    client.force_login(active_world["monitor"])
    html = client.get(reverse("reports:overview") + QUERY).content.decode()
    assert "Active learners" in html and "Last 7 days" in html
