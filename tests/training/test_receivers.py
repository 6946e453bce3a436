"""Assignment follows events without waiting for the nightly run: a person's position,
facility or start date changing, a requirement saved, a guideline published with a new
major version. Each event re-evaluates on commit (the tasks run eagerly here, as a worker
would run them just after), and an exemption lapses on its end date."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from guidelines.models import GuidelineAcknowledgement, GuidelineIndexPage, GuidelinePage
from tests import factories
from training.engine import evaluate
from training.models import Assignment, Requirement, TrainingRequest
from training.services import training_request_decide

from .helpers import course_requirement, moment, position, staff_record

pytestmark = pytest.mark.django_db
State = Assignment.State


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def guard(facility_a):
    person = factories.UserFactory(facility=facility_a)
    staff_record(person, position=position("guard", "Guard"))
    return person


def open_cycles(person):
    return list(
        Assignment.objects.filter(person=person, ended_on__isnull=True).values_list(
            "requirement__name", flat=True
        )
    )


def test_a_new_position_brings_its_requirements_and_ends_the_old_ones(
    guard, staff_course, on_commit
):
    medic = position("medical", "Medical")
    course_requirement(staff_course, positions=[position("guard")], name="Use of force")
    first_aid = factories.make_course(title="First aid", audience="staff")
    course_requirement(first_aid, positions=[medic], name="First aid")
    evaluate()
    assert open_cycles(guard) == ["Use of force"]
    with on_commit():
        staff_record(guard, position=medic)
    assert open_cycles(guard) == ["First aid"]
    ended = Assignment.objects.get(person=guard, requirement__name="Use of force")
    assert ended.state == State.ENDED  # kept as history


def test_a_transfer_to_another_facility_changes_what_applies(
    guard, facility_b, staff_course, on_commit
):
    requirement = course_requirement(staff_course, name="Facility B induction", all_staff=True)
    requirement.facilities.set([facility_b])
    evaluate()
    assert open_cycles(guard) == []
    with on_commit():
        guard.facility = facility_b
        guard.save()
    assert open_cycles(guard) == ["Facility B induction"]


def test_a_corrected_start_date_moves_the_deadline(guard, staff_course, on_commit):
    """A newcomer's days count from their start (here a start next week, corrected)."""
    requirement = course_requirement(
        staff_course, positions=[position("guard")], due_anchor="start", due_days=30
    )
    start = timezone.localdate() + datetime.timedelta(days=7)
    staff_record(guard, position=position("guard"), started_on=start)
    evaluate()
    row = Assignment.objects.get(requirement=requirement)
    assert row.effective_due_on == start + datetime.timedelta(days=30)
    later = start + datetime.timedelta(days=10)
    with on_commit():
        staff_record(guard, position=position("guard"), started_on=later)
    row = Assignment.objects.get(requirement=requirement, ended_on__isnull=True)
    assert row.effective_due_on == later + datetime.timedelta(days=30)


def test_saving_a_requirement_assigns_its_audience_at_once(guard, staff_course, on_commit):
    with on_commit():
        requirement = Requirement.objects.create(
            name="Use of force", kind="course", course=staff_course, all_staff=True
        )
    assert open_cycles(guard) == ["Use of force"]
    with on_commit():
        requirement.is_active = False
        requirement.save()
    assert open_cycles(guard) == []


def test_publishing_a_new_major_version_opens_a_new_cycle_at_once(guard, on_commit):
    index = GuidelineIndexPage(title="Guidelines", slug="guidelines")
    factories.catalogue().add_child(instance=index)
    guideline = GuidelinePage(
        title="Searches",
        slug="s",
        version="1.0",
        effective_date="2026-01-01",
        department="Security",
        body="<p>x</p>",
    )
    index.add_child(instance=guideline)
    requirement = Requirement.objects.create(
        name="Read searches", kind="guideline", guideline=guideline, all_staff=True
    )
    GuidelineAcknowledgement.objects.create(
        user=guard, guideline_key=guideline.translation_key, major_version=1, version="1.0"
    )
    evaluate()
    guideline.version = "1.1"  # a minor change keeps the acknowledgement
    with on_commit():
        guideline.save_revision().publish()
    assert Assignment.objects.filter(requirement=requirement).count() == 1
    guideline.version = "2.0"
    with on_commit():
        guideline.save_revision().publish()
    assert list(
        Assignment.objects.filter(requirement=requirement)
        .order_by("cycle")
        .values_list("cycle", "state")
    ) == [(1, State.COMPLETED), (2, State.NOT_STARTED)]


def test_an_exemption_lapses_on_its_end_date(guard, staff_course, facility_a):
    requirement = course_requirement(
        staff_course, positions=[position("guard")], due_days=10, name="Use of force"
    )
    evaluate()
    row = Assignment.objects.get(requirement=requirement)
    officer = factories.OfficerFactory(facility=facility_a)
    until = timezone.localdate() + datetime.timedelta(days=20)
    asked = TrainingRequest.objects.create(
        assignment=row,
        kind="exemption",
        reason="Trained elsewhere",
        requested_by=guard,
        until=until,
    )
    training_request_decide(actor=officer, request=asked, grant=True, reason="Certificate seen")
    evaluate(now=moment(until))
    assert Assignment.objects.get(pk=row.pk).state == State.EXEMPT  # the last day counts
    evaluate(now=moment(until + datetime.timedelta(days=1)))
    assert Assignment.objects.get(pk=row.pk).state == State.OVERDUE
