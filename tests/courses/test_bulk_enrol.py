"""Enrolling many learners at once: a unit, a list of numbers, or the group found on the
learner list; a preview that writes nothing, a summary of what was done, and a clear word
for those who already completed the course. Only the officer's facilities."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.models import Enrolment
from courses.services import enrolment_create
from lms.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

URL = "manage:bulk_enrol"


@pytest.fixture
def unit(facility_a):
    return factories.UnitFactory(facility=facility_a, name="Block C")


def _post(client, **data):
    return client.post(reverse(URL), data)


def test_a_preview_of_a_unit_says_what_would_happen_and_writes_nothing(
    client, officer, unit, facility_a, prisoner_course
):
    newcomer = factories.PrisonerFactory(facility=facility_a, unit=unit, first_name="Dana")
    finished = factories.PrisonerFactory(facility=facility_a, unit=unit, first_name="Erlan")
    enrolment_create(actor=officer, learner=finished, course=prisoner_course, source="assigned")
    Enrolment.objects.update(status=Enrolment.Status.COMPLETED)
    factories.PrisonerFactory(facility=facility_a, first_name="Elsewhere")
    client.force_login(officer)
    events = AuditEvent.objects.count()
    response = _post(
        client, course=str(prisoner_course.translation_key), unit=unit.pk, action="preview"
    )
    outcomes = {o.learner.pk: o.outcome for o in response.context["outcomes"]}
    assert outcomes == {newcomer.pk: "enrolled", finished.pk: "already_completed"}
    assert not Enrolment.objects.filter(learner=newcomer).exists()
    assert AuditEvent.objects.count() == events
    page = response.content.decode()
    assert "Already completed this course: nothing to do" in page
    assert "Nothing is done yet" in page


def test_enrolling_a_list_of_numbers_sums_up_what_was_done(
    client, officer, facility_a, facility_b, prisoner_course
):
    one = factories.PrisonerFactory(facility=facility_a)
    two = factories.PrisonerFactory(facility=facility_a)
    stranger = factories.PrisonerFactory(facility=facility_b)
    client.force_login(officer)
    response = _post(
        client,
        course=str(prisoner_course.translation_key),
        numbers=f"{one.prisoner_number}, {two.prisoner_number}\n{stranger.prisoner_number} X-1",
        action="enrol",
    )
    assert set(Enrolment.objects.values_list("learner_id", flat=True)) == {one.pk, two.pk}
    assert response.context["counts"] == {"enrolled": 2}
    # Someone of another facility reads the same as a number nobody has.
    assert response.context["unknown"] == [stranger.prisoner_number, "X-1"]
    page = response.content.decode()
    assert "2 enrolled" in page and 'id="bulk-result"' in page
    again = _post(
        client,
        course=str(prisoner_course.translation_key),
        numbers=one.prisoner_number,
        action="enrol",
    )
    assert again.context["counts"] == {"already_enrolled": 1}


def test_the_group_found_on_the_learner_list_is_enrolled(
    client, officer, facility_a, prisoner_course
):
    wanted = factories.PrisonerFactory(facility=facility_a, last_name="Serikbayev")
    factories.PrisonerFactory(facility=facility_a, last_name="Other")
    client.force_login(officer)
    listing = client.get(reverse("manage:learners"), {"q": "serik"}).content.decode()
    assert f'href="{reverse(URL)}?q=serik"' in listing
    form = client.get(reverse(URL), {"q": "serik"})
    assert form.context["group_size"] == 1
    _post(client, course=str(prisoner_course.translation_key), group="q=serik", action="enrol")
    assert list(Enrolment.objects.values_list("learner_id", flat=True)) == [wanted.pk]


def test_a_course_not_meant_for_a_person_is_refused_for_them_alone(
    client, officer, unit, facility_a, staff_course
):
    prisoner = factories.PrisonerFactory(facility=facility_a, unit=unit)
    client.force_login(officer)
    response = _post(client, course=str(staff_course.translation_key), unit=unit.pk, action="enrol")
    (outcome,) = response.context["outcomes"]
    assert outcome.learner == prisoner and outcome.outcome == "refused"
    assert "not open to this learner" in outcome.reason
    assert not Enrolment.objects.exists()


def test_nothing_chosen_asks_for_a_group(client, officer, prisoner_course):
    client.force_login(officer)
    response = _post(client, course=str(prisoner_course.translation_key), action="preview")
    assert response.context["form"].non_field_errors()
