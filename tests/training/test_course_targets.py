"""An officer's target date on a prisoner's course: set on the learner page or for a
group, moved by the time that does not count, shown to the learner on the kiosk and to
officers on the course target page, where a paused person is never behind."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Enrolment
from courses.services import NotAllowed, enrolment_set_target
from lms.core.models import AuditEvent
from tests import factories
from tests.kiosk_client import sign_in
from tests.training.helpers import moment
from training.engine import evaluate
from training.models import Pause

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def unit(facility_a):
    return factories.UnitFactory(facility=facility_a, name="Block 3")


@pytest.fixture
def held(prisoner, unit):
    prisoner.unit = unit
    prisoner.save()
    return prisoner


@pytest.fixture
def assigned(held, prisoner_course, officer):
    return Enrolment.objects.create(
        learner=held,
        course=prisoner_course,
        course_key=prisoner_course.translation_key,
        source=Enrolment.Source.ASSIGNED,
        enrolled_by=officer,
    )


def set_on_page(client, enrolment, value):
    return client.post(
        reverse("manage:enrolment_target", args=[enrolment.learner.public_id, enrolment.pk]),
        {"target_on": value},
        follow=True,
    )


def test_an_officer_sets_a_target_date_on_the_learner_page_and_it_is_audited(
    client, officer, assigned
):
    target = timezone.localdate() + 30 * DAY
    client.force_login(officer)
    page = set_on_page(client, assigned, target.isoformat()).content.decode()
    assert "The target date is saved." in page
    assert f'value="{target.isoformat()}"' in page
    assigned.refresh_from_db()
    assert (assigned.target_on, assigned.due_on, assigned.paused_days) == (target, target, 0)
    assert assigned.target_set_on == timezone.localdate()
    event = AuditEvent.objects.get(action="enrolment.target")
    assert event.actor == officer and event.after["target_on"] == target.isoformat()

    page = set_on_page(client, assigned, "").content.decode()
    assert "The target date is removed." in page
    assigned.refresh_from_db()
    assert assigned.target_on is None and assigned.due_on is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2001-01-01", "Choose a target date from today on."),
        ("2999-01-01", "Choose a target date within five years."),
        ("not a date", "Enter a valid date."),
    ],
)
def test_a_wrong_target_date_is_refused_with_a_reason_and_nothing_changes(
    client, officer, assigned, value, message
):
    client.force_login(officer)
    page = set_on_page(client, assigned, value).content.decode()
    assert message in page
    assigned.refresh_from_db()
    assert assigned.target_on is None
    assert not AuditEvent.objects.filter(action="enrolment.target").exists()


def test_no_target_date_on_a_voluntary_programme_nor_by_the_learner_nor_when_completed(
    officer, held, assigned
):
    faith = factories.make_course(title="Paths", programme_type="faith_based", audience="prisoners")
    joined = Enrolment.objects.create(
        learner=held, course=faith, course_key=faith.translation_key, source="self"
    )
    later = timezone.localdate() + 10 * DAY
    with pytest.raises(NotAllowed, match="voluntary programme has no target date"):
        enrolment_set_target(actor=officer, enrolment=joined, target_on=later)
    with pytest.raises(NotAllowed, match="may not change"):
        enrolment_set_target(actor=held, enrolment=assigned, target_on=later)
    Enrolment.objects.filter(pk=assigned.pk).update(status=Enrolment.Status.COMPLETED)
    with pytest.raises(NotAllowed, match="already completed"):
        enrolment_set_target(actor=officer, enrolment=assigned, target_on=later)
    assert not Enrolment.objects.filter(target_on__isnull=False).exists()


def test_an_officer_of_another_facility_cannot_set_one(client, facility_b, assigned):
    other = factories.OfficerFactory(facility=facility_b)
    with pytest.raises(NotAllowed):
        enrolment_set_target(
            actor=other, enrolment=assigned, target_on=timezone.localdate() + 5 * DAY
        )
    client.force_login(other)
    assert set_on_page(client, assigned, "").status_code == 404


def test_a_lockdown_of_the_unit_moves_the_date_by_its_days_and_only_after_it_was_set(
    officer, held, unit, assigned
):
    today = timezone.localdate()
    target = today + 20 * DAY
    enrolment_set_target(actor=officer, enrolment=assigned, target_on=target)
    # Before the target was set: does not count. Days 3-6 after: four days.
    Pause.objects.create(
        kind="lockdown",
        facility=held.facility,
        starts_on=today - 9 * DAY,
        ends_on=today - DAY,
        reason="Before",
    )
    Pause.objects.create(
        kind="lockdown",
        facility=held.facility,
        unit=unit,
        starts_on=today + 3 * DAY,
        ends_on=today + 6 * DAY,
        reason="Search",
    )
    # Segregation overlapping the lockdown counts its extra days once.
    Pause.objects.create(
        kind="segregation",
        person=held,
        starts_on=today + 5 * DAY,
        ends_on=today + 7 * DAY,
        reason="Safety",
    )
    outcome = evaluate(now=moment(today + 10 * DAY))
    assert outcome.targets == 1
    assigned.refresh_from_db()
    assert assigned.paused_days == 5  # days 3..7, overlaps counted once
    assert assigned.due_on == target + 5 * DAY
    assert assigned.target_on == target  # what the officer set stays as set
    assert evaluate(now=moment(today + 10 * DAY)).targets == 0  # idempotent


def test_a_lockdown_of_another_unit_or_facility_moves_nothing(officer, held, facility_b, assigned):
    today = timezone.localdate()
    enrolment_set_target(actor=officer, enrolment=assigned, target_on=today + 20 * DAY)
    other_unit = factories.UnitFactory(facility=held.facility, name="Block 9")
    Pause.objects.create(
        kind="lockdown",
        facility=held.facility,
        unit=other_unit,
        starts_on=today,
        ends_on=today + 3 * DAY,
        reason="x",
    )
    Pause.objects.create(
        kind="lockdown", facility=facility_b, starts_on=today, ends_on=today + 3 * DAY, reason="x"
    )
    evaluate(now=moment(today + 5 * DAY))
    assigned.refresh_from_db()
    assert assigned.paused_days == 0 and assigned.due_on == today + 20 * DAY


def test_a_pause_recorded_through_the_officers_page_moves_the_date_at_once(
    client, officer, held, assigned, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    enrolment_set_target(actor=officer, enrolment=assigned, target_on=today + 20 * DAY)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("training:pauses"),
            {
                "kind": "medical",
                "person": held.username,
                "reason": "Hospital",
                "starts_on": today.isoformat(),
                "ends_on": (today + 2 * DAY).isoformat(),
            },
        )
    assigned.refresh_from_db()
    # Only the days begun so far count: today.
    assert (assigned.paused_days, assigned.due_on) == (1, today + 21 * DAY)


def targets_page(client, **params):
    return client.get(reverse("training:targets"), params).content.decode()


def test_the_target_page_shows_who_is_behind_and_never_a_paused_person(
    client, officer, held, assigned, prisoner_course, facility_b
):
    today = timezone.localdate()
    late = factories.PrisonerFactory(facility=held.facility, first_name="Arman", last_name="Late")
    on_time = factories.PrisonerFactory(facility=held.facility, first_name="Dana", last_name="Soon")
    stranger = factories.PrisonerFactory(facility=facility_b, first_name="Bolat", last_name="Far")
    for person, due in (
        (late, today - 3 * DAY),
        (on_time, today + 5 * DAY),
        (held, today - 10 * DAY),
        (stranger, today - 3 * DAY),
    ):
        Enrolment.objects.update_or_create(
            learner=person,
            course_key=prisoner_course.translation_key,
            defaults={
                "course": prisoner_course,
                "source": "assigned",
                "target_on": due,
                "target_set_on": today - 60 * DAY,
                "due_on": due,
            },
        )
    Pause.objects.create(kind="segregation", person=held, starts_on=today - DAY, reason="Safety")
    client.force_login(officer)
    page = targets_page(client)
    assert "Arman Late" in page and "Dana Soon" in page and "Nurlan Abenov" in page
    assert "Bolat Far" not in page  # another facility
    assert "Behind (1)" in page and "Due soon (1)" in page
    assert "Paused: time that does not count (1)" in page
    behind = targets_page(client, state="behind")
    assert "Arman Late" in behind and "Nurlan Abenov" not in behind and "Dana Soon" not in behind
    paused = targets_page(client, state="paused")
    assert "Nurlan Abenov" in paused and "Arman Late" not in paused
    # The facility of another officer cannot be asked for: their own is shown.
    assert "Bolat Far" not in targets_page(client, facility="b")


def test_a_facility_lockdown_pauses_its_prisoners_on_the_target_page(
    client, officer, held, assigned
):
    today = timezone.localdate()
    Enrolment.objects.filter(pk=assigned.pk).update(
        target_on=today - DAY, target_set_on=today - 30 * DAY, due_on=today - DAY
    )
    Pause.objects.create(kind="lockdown", facility=held.facility, starts_on=today, reason="x")
    client.force_login(officer)
    assert "Behind (0)" in targets_page(client)
    assert "Paused: time that does not count (1)" in targets_page(client)


def test_the_learner_sees_the_date_on_the_kiosk_in_kazakh_and_russian(
    client, officer, held, assigned
):
    target = timezone.localdate() + 30 * DAY
    enrolment_set_target(actor=officer, enrolment=assigned, target_on=target)
    Enrolment.objects.filter(pk=assigned.pk).update(due_on=target + 3 * DAY, paused_days=3)
    sign_in(client, held)
    for language, words in (("kk", "дейін аяқтауға тырысыңыз"), ("ru", "Постарайтесь закончить")):
        with translation.override(language):
            url = reverse("learning:home")
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert words in page, language
        with translation.override(language):
            from django.utils.formats import date_format

            assert date_format(target + 3 * DAY, "DATE_FORMAT") in page


def test_bulk_enrolment_sets_each_ones_target_date(client, officer, held, prisoner_course):
    other = factories.PrisonerFactory(facility=held.facility)
    target = timezone.localdate() + 40 * DAY
    client.force_login(officer)
    page = client.post(
        reverse("manage:bulk_enrol"),
        {
            "course": str(prisoner_course.translation_key),
            "action": "enrol",
            "numbers": f"{held.username}\n{other.username}",
            "target_on": target.isoformat(),
        },
    ).content.decode()
    assert "Done" in page
    rows = Enrolment.objects.filter(course_key=prisoner_course.translation_key)
    assert sorted(rows.values_list("due_on", flat=True)) == [target, target]
    assert AuditEvent.objects.filter(action="enrolment.target").count() == 2


def test_a_refused_target_on_the_learner_page_enrols_nobody(client, officer, held, prisoner_course):
    client.force_login(officer)
    page = client.post(
        reverse("manage:learner", args=[held.public_id]),
        {"course": prisoner_course.pk, "target_on": "2001-01-01"},
        follow=True,
    ).content.decode()
    assert "Choose a target date from today on." in page
    assert not Enrolment.objects.filter(learner=held).exists()


def test_the_officers_weekly_digest_counts_courses_behind_their_target(officer, held, assigned):
    from django.core import mail

    from training.notifications import officer_digests_send

    today = timezone.localdate()
    officer.email = "officer@example.org"
    officer.save()
    Enrolment.objects.filter(pk=assigned.pk).update(
        target_on=today - 2 * DAY, target_set_on=today - 30 * DAY, due_on=today - 2 * DAY
    )
    assert officer_digests_send() == 1
    message = mail.outbox[0]
    assert message.subject == "Courses behind their target date in your facilities: 1"
    assert "1 prisoner's course is behind the target date you set." in message.body
    assert "/manage/training/targets/?state=behind" in message.body
    assert "Nurlan" not in message.body  # a count, no name in an e-mail
