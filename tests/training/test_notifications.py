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


def test_digests_come_in_the_language_the_person_last_chose(client, assigned):
    """The header's language switcher sets the language of their e-mails too."""
    client.force_login(assigned)
    client.post("/i18n/setlang/", {"language": "ru", "next": "/learn/"})
    assigned.refresh_from_db()
    assert assigned.language == "ru"
    assert reminder_digests_send() == 1
    assert mail.outbox[0].subject == "Ваше обучение: напоминаний: 1"
    assert mail.outbox[0].body.startswith("Здравствуйте")
    assert "Use of force" in mail.outbox[0].body


def test_the_language_of_e_mails_is_chosen_under_my_training(client, facility_a, staff_course):
    officer = factories.OfficerFactory(facility=facility_a, email="officer@example.org")
    factories.UserFactory(facility=facility_a, last_name="Late")
    course_requirement(staff_course, all_staff=True, due_days=0)
    evaluate(now=timezone.now() - datetime.timedelta(days=3))
    evaluate()
    client.force_login(officer)
    page = client.post(
        "/learn/training/reminders/", {"frequency": "weekly", "language": "kk"}, follow=True
    ).content.decode()
    assert '<option value="kk" lang="kk" selected>' in page
    assert officer_digests_send() == 1
    assert mail.outbox[0].subject.startswith("Мекемелеріңіздегі мерзімі өткен оқу")
    refused = client.post("/learn/training/reminders/", {"frequency": "weekly", "language": "xx"})
    assert refused.status_code == 302
    officer.refresh_from_db()
    assert officer.language == "kk"


def test_a_prisoners_language_choice_stays_with_the_kiosk_session(client, prisoner):
    from tests.kiosk_client import sign_in

    sign_in(client, prisoner)
    client.post("/i18n/setlang/", {"language": "kk", "next": "/learn/"})
    prisoner.refresh_from_db()
    assert prisoner.language == ""


def test_the_header_counts_unread_notifications_until_they_are_read(client, assigned):
    client.force_login(assigned)
    page = client.get("/learn/").content.decode()
    assert '<span class="count-badge" aria-hidden="true">1</span>' in page
    assert "(1 new notification)" in page
    mine = client.get("/learn/training/").content.decode()
    assert "New for you" in mine and "Use of force" in mine
    assert client.get("/learn/training/", {"seen": "1"}).status_code == 200  # a GET reads only
    assert "count-badge" in client.get("/learn/").content.decode()
    client.post("/learn/training/", {"seen": "1"})
    assert "count-badge" not in client.get("/learn/").content.decode()
    assert "New for you" not in client.get("/learn/training/").content.decode()
