from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Enrolment
from lms.core.suppression import rate, suppress_row
from reports.selectors import enrolment_figures
from tests.factories import FacilityFactory, PrisonerFactory, make_course

pytestmark = pytest.mark.django_db


def test_a_small_cell_is_suppressed_and_so_is_the_next_smallest():
    cells = suppress_row([10, 3, 7, 0])
    assert [c.value for c in cells] == [10, None, None, 0]
    assert str(cells[1]) == "fewer than 5"


def test_a_rate_needs_a_denominator_at_the_threshold():
    assert rate(2, 4) is None
    assert rate(6, 12) == 50.0
    assert rate(0, 6) == 0.0


def test_a_rate_that_would_give_back_a_small_count_is_not_published():
    # 25% of 12 people is 3 people: the rate would publish a suppressed count.
    assert rate(3, 12) is None
    assert rate(5, 12) == 41.7


def _enrol(course, facility, n, completed=0):
    for i in range(n):
        Enrolment.objects.create(
            learner=PrisonerFactory(facility=facility),
            course=course,
            course_key=course.translation_key,
            source="self",
            status="completed" if i < completed else "active",
        )


def test_figures_per_facility_match_a_hand_count_and_hide_small_cells():
    big, small, other = (
        FacilityFactory(name="A"),
        FacilityFactory(name="B"),
        FacilityFactory(name="C"),
    )
    course = make_course(lessons=1)
    _enrol(course, big, 8, completed=6)
    _enrol(course, small, 2, completed=1)
    _enrol(course, other, 6, completed=5)
    now = timezone.now()
    figures, total, done = enrolment_figures(
        start=now - timedelta(days=1), end=now + timedelta(days=1)
    )
    assert [f.enrolments.value for f in figures] == [8, None, None]
    assert [f.completions.value for f in figures] == [6, None, None]
    assert figures[0].completion_rate == 75.0
    assert total.value == 16 and done.value == 12


def test_voluntary_programmes_are_left_out(django_assert_num_queries):
    facility = FacilityFactory()
    _enrol(make_course(programme_type="faith_based", lessons=1), facility, 6)
    now = timezone.now()
    with django_assert_num_queries(1):
        figures, total, _ = enrolment_figures(
            start=now - timedelta(days=1), end=now + timedelta(days=1), facilities=[facility]
        )
    assert total.value == 0


def test_the_total_minus_the_published_cells_never_gives_back_one_hidden_cell():
    for counts in ([10, 3, 7, 0], [4, 9, 12], [1, 2, 30], [6, 6, 1]):
        cells = suppress_row(counts)
        hidden = [c for c, cell in zip(counts, cells, strict=True) if cell.suppressed]
        assert len(hidden) != 1, counts
