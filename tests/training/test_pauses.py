"""Officers declare time that does not count, only where and for whom they manage."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.core.models import AuditEvent
from tests import factories
from training.engine import evaluate
from training.models import Assignment, Pause, Requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def induction(prisoner_course):
    return Requirement.objects.create(
        name="Induction", kind="course", course=prisoner_course, roles=["prisoner_learner"]
    )


def declare(client, **fields):
    data = {"starts_on": timezone.localdate().isoformat(), "reason": "Search of the unit"}
    data.update(fields)
    return client.post(reverse("training:pauses"), data, follow=True)


def test_an_officer_declares_a_lockdown_and_its_prisoners_are_paused(
    client, officer, prisoner, induction, django_capture_on_commit_callbacks
):
    evaluate()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        page = declare(client, kind="lockdown", facility="a").content.decode()
    assert "Recorded." in page and "Search of the unit" in page
    assert Assignment.objects.get(person=prisoner).state == "paused"
    assert AuditEvent.objects.filter(action="training.pause_lockdown_declared").exists()
    pause = Pause.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:pause_end", args=[pause.pk]))
    pause.refresh_from_db()
    assert pause.ends_on == timezone.localdate()


def test_an_officer_cannot_pause_another_facility_or_its_people(client, facility_b, officer):
    stranger = factories.PrisonerFactory(facility=facility_b)
    client.force_login(officer)
    page = declare(client, kind="lockdown", facility="b").content.decode()
    assert "Not a facility you manage." in page
    page = declare(client, kind="medical", person=stranger.username).content.decode()
    assert "Not a person you manage." in page
    assert not Pause.objects.exists()


def test_leave_is_for_staff_and_segregation_for_prisoners(client, officer, prisoner, staff_member):
    client.force_login(officer)
    assert (
        "Leave is for staff"
        in declare(client, kind="leave", person=prisoner.username).content.decode()
    )
    assert (
        "Leave is for staff"
        in declare(client, kind="segregation", person=staff_member.username).content.decode()
    )
    declare(client, kind="leave", person=staff_member.username)
    assert Pause.objects.get().person == staff_member


def test_another_facilitys_pauses_are_not_listed_nor_endable(client, facility_b, officer):
    other = Pause.objects.create(
        kind="lockdown", facility=facility_b, starts_on=timezone.localdate()
    )
    client.force_login(officer)
    assert "Facility B" not in client.get(reverse("training:pauses")).content.decode()
    assert client.post(reverse("training:pause_end", args=[other.pk])).status_code == 404
