"""Reminder digests and officers' weekly digests: once per event, at the chosen
frequency, never to prisoners, never twice after a worker died mid-send."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from tests import factories
from training.engine import evaluate
from training.models import OfficerDigest, Reminder, Requirement
from training.notifications import (
    digests_unconfirmed,
    officer_digests_send,
    reminder_digests_send,
)

from .helpers import course_requirement, staff_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(facility_a, staff_course):
    person = factories.UserFactory(facility=facility_a, email="aigerim@example.org")
    course_requirement(staff_course, all_staff=True, name="Use of force")
    evaluate()
    return person


def test_a_digest_goes_once_with_each_reminder(assigned):
    assert reminder_digests_send() == 1
    assert mail.outbox[0].to == ["aigerim@example.org"]
    assert "Use of force" in mail.outbox[0].body
    assert "/learn/training/" in mail.outbox[0].body
    assert reminder_digests_send(now=timezone.now() + datetime.timedelta(days=30)) == 0
    assert len(mail.outbox) == 1


def test_a_weekly_digest_waits_a_week_for_the_next_reminder(assigned, staff_course):
    reminder_digests_send()
    other = factories.make_course(title="First aid", audience="staff")
    course_requirement(other, all_staff=True, name="First aid")
    evaluate()
    assert reminder_digests_send(now=timezone.now() + datetime.timedelta(days=2)) == 0
    assert reminder_digests_send(now=timezone.now() + datetime.timedelta(days=7)) == 1
    assert "First aid" in mail.outbox[-1].body and "Use of force" not in mail.outbox[-1].body


def test_who_chose_no_email_and_prisoners_get_none(facility_a, assigned, prisoner_course):
    staff_record(assigned).__class__.objects.filter(person=assigned).update(
        digest_frequency="never"
    )
    factories.PrisonerFactory(facility=facility_a)
    Requirement.objects.create(
        name="Induction", kind="course", course=prisoner_course, roles=["prisoner_learner"]
    )
    evaluate()
    assert Reminder.objects.filter(person__role="prisoner_learner").exists()  # kiosk
    assert reminder_digests_send() == 0
    assert mail.outbox == []


class WorkerDied(BaseException):
    """What a killed worker looks like from inside: nothing after this line runs."""


def dies_after_handing_over(messages):
    mail.outbox.extend(messages)
    raise WorkerDied


def test_a_worker_killed_mid_send_never_sends_the_same_reminders_twice(assigned, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, m: dies_after_handing_over(m))
    with pytest.raises(WorkerDied):
        reminder_digests_send()
    monkeypatch.undo()
    assert reminder_digests_send() == 0  # claimed before the send: not sent again
    assert len(mail.outbox) == 1
    assert digests_unconfirmed(older_than=datetime.timedelta(0)).count() == 1


@override_settings(EMAIL_BACKEND="tests.training.test_notifications.RefusingBackend")
def test_a_refused_message_is_sent_on_the_next_run(assigned):
    with pytest.raises(ConnectionRefusedError):
        reminder_digests_send()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert reminder_digests_send() == 1


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError


def test_officers_get_their_facilitys_overdue_once_a_week(facility_a, facility_b, staff_course):
    late = factories.UserFactory(facility=facility_a, last_name="Late")
    far = factories.UserFactory(facility=facility_b, last_name="Faraway")
    course_requirement(staff_course, all_staff=True, due_days=0)
    factories.OfficerFactory(facility=facility_a, email="officer@example.org")
    evaluate(now=timezone.now() - datetime.timedelta(days=3))
    evaluate()
    assert officer_digests_send() == 1
    assert mail.outbox[0].to == ["officer@example.org"]
    body = mail.outbox[0].body
    assert late.last_name in body and far.last_name not in body
    assert officer_digests_send() == 0
    assert OfficerDigest.objects.get().sent_at is not None
