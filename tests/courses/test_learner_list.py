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
