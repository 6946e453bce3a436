"""The assignment engine: who gets what, by when; idempotent; history kept."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guidelines.models import GuidelineAcknowledgement
from lms.core.models import User
from tests import factories
from training.engine import evaluate
from training.models import Assignment, Pause, Reminder, Requirement

from .helpers import complete, course_requirement, moment, position, staff_record

pytestmark = pytest.mark.django_db
State = Assignment.State


@pytest.fixture
def guard(facility_a):
    person = factories.UserFactory(facility=facility_a)
    staff_record(person, position=position())
    return person


def current(person, requirement):
    return Assignment.objects.get(person=person, requirement=requirement, ended_on__isnull=True)


def test_a_guard_is_assigned_the_guards_course_due_in_its_days(guard, staff_course):
    requirement = course_requirement(staff_course, positions=[position()], due_days=30)
    evaluate()
    row = current(guard, requirement)
    today = timezone.localdate()
    assert (row.state, row.cycle, row.due_on) == (
        State.NOT_STARTED,
        1,
        today + datetime.timedelta(30),
    )
    assert Reminder.objects.filter(assignment=row, kind="assigned").count() == 1


def test_evaluating_again_changes_nothing(guard, staff_course):
    course_requirement(staff_course, positions=[position()])
    evaluate()
    again = evaluate()
    assert (again.created, again.updated, again.ended) == (0, 0, 0)
    assert Assignment.objects.count() == 1
    assert Reminder.objects.count() == 1


def test_people_outside_the_audience_get_nothing(facility_a, facility_b, staff_course):
    requirement = course_requirement(staff_course, positions=[position()])
    requirement.facilities.set([facility_a])
    elsewhere = factories.UserFactory(facility=facility_b)
    staff_record(elsewhere, position=position())
    other_post = factories.UserFactory(facility=facility_a)
    staff_record(other_post, position=position("medic", "Medic"))
    excused = factories.UserFactory(facility=facility_a)
    staff_record(excused, position=position())
    requirement.exceptions.set([excused])
    evaluate()
    assert not Assignment.objects.exists()


def test_a_prisoner_is_never_required_to_take_a_staff_course(facility_a, staff_course):
    factories.PrisonerFactory(facility=facility_a)
    course_requirement(staff_course, roles=["prisoner_learner", "staff_learner"])
    staff = factories.UserFactory(facility=facility_a)
    evaluate()
    assert list(Assignment.objects.values_list("person_id", flat=True)) == [staff.pk]


def test_everyone_on_the_staff_means_no_prisoner_and_no_monitor(facility_a, staff_course):
    factories.PrisonerFactory(facility=facility_a)
    factories.UserFactory(role=User.Role.MONITOR, facility=None)
    officer = factories.OfficerFactory(facility=facility_a)
    course_requirement(staff_course, all_staff=True)
    evaluate()
    assert list(Assignment.objects.values_list("person_id", flat=True)) == [officer.pk]


def test_a_voluntary_programme_can_never_be_required(db):
    faith = factories.make_course(title="Paths", programme_type="faith_based", audience="staff")
    requirement = Requirement(name="Paths", kind="course", course=faith)
    with pytest.raises(ValidationError) as error:
        requirement.clean()
    assert "course" in error.value.message_dict


def test_leaving_the_audience_ends_the_cycle_and_keeps_it(guard, staff_course):
    requirement = course_requirement(staff_course, positions=[position()])
    evaluate()
    staff_record(guard, position=position("medic", "Medic"))
    outcome = evaluate()
    row = Assignment.objects.get(person=guard, requirement=requirement)
    assert outcome.ended == 1
    assert (row.state, row.ended_on) == (State.ENDED, timezone.localdate())
    staff_record(guard, position=position())
    evaluate()
    assert list(
        Assignment.objects.filter(person=guard).order_by("cycle").values_list("cycle", "state")
    ) == [(1, State.ENDED), (2, State.NOT_STARTED)]


def test_a_completion_completes_the_cycle_until_it_expires(guard, staff_course):
    requirement = course_requirement(staff_course, positions=[position()], valid_months=12)
    complete(guard, staff_course, at=moment(datetime.date(2026, 3, 10)))
    evaluate(now=moment(datetime.date(2026, 4, 1)))
    row = current(guard, requirement)
    assert (row.state, row.valid_until) == (State.COMPLETED, datetime.date(2027, 3, 10))


def test_the_renewal_window_opens_a_new_cycle_and_keeps_the_old_one(guard, staff_course):
    requirement = course_requirement(
        staff_course, positions=[position()], valid_months=12, window_days=60, grace_days=10
    )
    complete(guard, staff_course, at=moment(datetime.date(2026, 1, 15)))
    evaluate(now=moment(datetime.date(2026, 6, 1)))
    evaluate(now=moment(datetime.date(2026, 11, 20)))  # window opened on 16 November
    cycles = list(Assignment.objects.filter(person=guard).order_by("cycle"))
    assert [(c.cycle, c.state, c.ended_on is None) for c in cycles] == [
        (1, State.COMPLETED, False is True),
        (2, State.COMPLETED, True),
    ]
    renewal = cycles[1]
    assert renewal.carried_valid_until == datetime.date(2027, 1, 15)
    assert renewal.due_on == datetime.date(2027, 1, 25)  # expiry + grace
    assert renewal.completed_at is None  # the old completion does not renew it
    assert Reminder.objects.filter(assignment=renewal, kind="window_open").exists()
    evaluate(now=moment(datetime.date(2027, 1, 26)))
    assert current(guard, requirement).state == State.EXPIRED


def test_a_completion_three_years_old_is_expired_at_once(guard, staff_course):
    requirement = course_requirement(staff_course, positions=[position()], valid_months=12)
    complete(guard, staff_course, at=moment(datetime.date(2023, 5, 1)))
    evaluate(now=moment(datetime.date(2026, 5, 1)))
    assert current(guard, requirement).state == State.EXPIRED
    assert Assignment.objects.filter(person=guard).count() == 2


def test_a_refresher_course_renews_the_requirement(guard, staff_course):
    refresher = factories.make_course(title="Use of force: refresher", audience="staff")
    requirement = course_requirement(
        staff_course, positions=[position()], valid_months=12, refresher_course=refresher
    )
    complete(guard, staff_course, at=moment(datetime.date(2025, 1, 15)))
    evaluate(now=moment(datetime.date(2025, 12, 1)))
    complete(guard, refresher, at=moment(datetime.date(2025, 12, 5)))
    evaluate(now=moment(datetime.date(2025, 12, 6)))
    row = current(guard, requirement)
    assert (row.cycle, row.state, row.valid_until) == (
        2,
        State.COMPLETED,
        datetime.date(2026, 12, 5),
    )


def test_a_pause_moves_the_deadline_and_hides_overdue(guard, staff_course):
    requirement = course_requirement(staff_course, positions=[position()], due_days=10)
    evaluate(now=moment(datetime.date(2026, 1, 1)))
    Pause.objects.create(
        kind="leave", person=guard, starts_on=datetime.date(2026, 1, 5), ends_on=None
    )
    evaluate(now=moment(datetime.date(2026, 1, 20)))
    row = current(guard, requirement)
    assert (row.state, row.paused_days) == (State.PAUSED, 16)
    Pause.objects.filter(person=guard).update(ends_on=datetime.date(2026, 1, 20))
    evaluate(now=moment(datetime.date(2026, 1, 21)))
    row = current(guard, requirement)
    assert row.effective_due_on == datetime.date(2026, 1, 27)
    assert row.state == State.DUE_SOON


def test_a_lockdown_pauses_the_prisoners_of_the_unit_only(facility_a, prisoner_course):
    unit = factories.UnitFactory(facility=facility_a)
    inside = factories.PrisonerFactory(facility=facility_a, unit=unit)
    outside = factories.PrisonerFactory(facility=facility_a)
    requirement = Requirement.objects.create(
        name="Induction", kind="course", course=prisoner_course, roles=["prisoner_learner"]
    )
    Pause.objects.create(
        kind="lockdown", facility=facility_a, unit=unit, starts_on=timezone.localdate()
    )
    evaluate()
    assert current(inside, requirement).state == State.PAUSED
    assert current(outside, requirement).state == State.NOT_STARTED


def test_a_new_major_version_of_a_guideline_opens_a_new_cycle(guard, db):
    from guidelines.models import GuidelineIndexPage, GuidelinePage

    index = GuidelineIndexPage(title="Guidelines", slug="guidelines")
    factories.catalogue().add_child(instance=index)
    guideline = GuidelinePage(
        title="Searches",
        slug="s",
        version="1.2",
        effective_date="2026-01-01",
        department="Security",
        body="<p>x</p>",
    )
    index.add_child(instance=guideline)
    requirement = Requirement.objects.create(
        name="Read searches", kind="guideline", guideline=guideline, all_staff=True
    )
    GuidelineAcknowledgement.objects.create(
        user=guard, guideline_key=guideline.translation_key, major_version=1, version="1.2"
    )
    evaluate()
    assert current(guard, requirement).state == State.COMPLETED
    guideline.version = "2.0"
    guideline.save_revision().publish()
    evaluate()
    assert list(
        Assignment.objects.filter(person=guard).order_by("cycle").values_list("cycle", "state")
    ) == [(1, State.COMPLETED), (2, State.NOT_STARTED)]


def test_the_start_date_anchor_gives_newcomers_days_from_their_start(guard, staff_course):
    requirement = course_requirement(
        staff_course, positions=[position()], due_anchor="start", due_days=30
    )
    staff_record(guard, position=position(), started_on=datetime.date(2026, 3, 1))
    evaluate(now=moment(datetime.date(2026, 3, 10)))
    assert current(guard, requirement).due_on == datetime.date(2026, 3, 31)


def test_dates_are_the_facilitys_own(facility_a, staff_course):
    facility_a.time_zone = "America/New_York"
    facility_a.save()
    person = factories.UserFactory(facility=facility_a)
    requirement = course_requirement(staff_course, all_staff=True, due_days=0)
    # 02:00 on 2 March in Almaty is still 1 March in New York.
    at = timezone.make_aware(datetime.datetime(2026, 3, 2, 2, 0))
    evaluate(now=at)
    assert current(person, requirement).opened_on == datetime.date(2026, 3, 1)


def test_queries_per_chunk_do_not_grow_with_people(facility_a, staff_course):
    course_requirement(staff_course, all_staff=True)
    for _ in range(4):
        factories.UserFactory(facility=facility_a)
    with CaptureQueriesContext(connection) as small:
        evaluate(chunk=4)
    Assignment.objects.all().delete()
    for _ in range(4):
        factories.UserFactory(facility=facility_a)
    with CaptureQueriesContext(connection) as large:
        outcome = evaluate(chunk=4)
    assert outcome.chunks == 2
    per_chunk = len(large) - len(small)
    assert per_chunk <= 12
    assert len(small) <= 25  # rules, time zones, lockdowns, then one chunk
