"""Failed kiosk sign-ins (the prisoner numbers typed) are deleted after the retention
period, by beat or by hand, never inside the lockout window, with an audit event per
kiosk; running it again changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kiosk import selectors
from kiosk.models import SignInFailure
from kiosk.services import retention
from kiosk.tasks import sign_in_failures_purge_task
from lms.celery import app as celery_app
from lms.core.models import AuditEvent

from .conftest import register_device

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def failure(device, *, days_ago: float, number: str = "N-1") -> SignInFailure:
    return SignInFailure.objects.create(
        device=device, prisoner_number=number, at=timezone.now() - timedelta(days=days_ago)
    )


def purges() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="kiosk.failures_purge").order_by("id"))


def test_failures_past_retention_are_deleted_and_recent_ones_kept(device_a, admin_user, facility_b):
    device, _token = device_a
    other, _token = register_device(admin_user, facility_b, name="Kiosk B")
    old = [failure(device, days_ago=31), failure(device, days_ago=400), failure(other, days_ago=45)]
    recent = [failure(device, days_ago=29), failure(other, days_ago=0)]

    assert retention.sign_in_failures_purge(actor=None) == 3

    left = set(SignInFailure.objects.values_list("pk", flat=True))
    assert left == {row.pk for row in recent} and not left & {row.pk for row in old}
    events = purges()
    assert {(event.object_id, event.after["deleted"]) for event in events} == {
        (str(device.pk), 2),
        (str(other.pk), 1),
    }
    assert {event.facility_id for event in events} == {device.facility_id, other.facility_id}
    assert all(event.actor is None and event.actor_label == "system" for event in events)


def test_a_second_purge_deletes_nothing_and_writes_nothing(device_a):
    failure(device_a[0], days_ago=60)
    assert retention.sign_in_failures_purge(actor=None) == 1
    assert retention.sign_in_failures_purge(actor=None) == 0
    assert len(purges()) == 1


def test_retention_follows_the_setting(device_a, settings):
    settings.KIOSK_FAILURE_RETENTION_DAYS = 7
    kept, gone = failure(device_a[0], days_ago=6), failure(device_a[0], days_ago=8)
    assert retention.sign_in_failures_purge(actor=None) == 1
    assert list(SignInFailure.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not SignInFailure.objects.filter(pk=gone.pk).exists()


def test_a_purge_never_lifts_a_lockout(device_a, pin_prisoner, settings):
    """Even with a lockout window longer than the retention asked for."""
    settings.KIOSK_LOCKOUT_MINUTES = 3 * 24 * 60
    number = pin_prisoner.prisoner_number
    for _try in range(settings.KIOSK_LOCKOUT_ACCOUNT_FAILURES):
        failure(device_a[0], days_ago=2, number=number)
    assert selectors.lockout_seconds(device=device_a[0], prisoner_number=number) > 0
    assert retention.sign_in_failures_purge(actor=None, retention_days=1) == 0
    assert selectors.lockout_seconds(device=device_a[0], prisoner_number=number) > 0


def test_less_than_a_day_of_retention_is_refused(device_a):
    with pytest.raises(ValueError):
        retention.sign_in_failures_purge(actor=None, retention_days=0)


def test_the_checks_refuse_a_retention_shorter_than_the_lockout_window(settings):
    assert not [m for m in run_checks() if m.id == "kiosk.E001"]
    settings.KIOSK_FAILURE_RETENTION_DAYS = 1
    settings.KIOSK_LOCKOUT_MINUTES = 2 * 24 * 60
    assert [m.id for m in run_checks() if m.id == "kiosk.E001"] == ["kiosk.E001"]


def test_beat_runs_the_purge_daily_through_a_registered_task(device_a):
    entry = settings.CELERY_BEAT_SCHEDULE["kiosk-failures-purge"]
    assert entry["task"] == sign_in_failures_purge_task.name
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == 24 * 60 * 60
    failure(device_a[0], days_ago=90)
    assert sign_in_failures_purge_task.delay().get() == 1
    assert not SignInFailure.objects.exists()


def test_the_command_purges_by_hand_and_names_the_operator(device_a, admin_user):
    failure(device_a[0], days_ago=40)
    failure(device_a[0], days_ago=10)
    out = io.StringIO()
    call_command("kiosk_purge_failures", dry_run=True, stdout=out)
    assert "1 failed kiosk sign-in(s)" in out.getvalue() and "would be deleted" in out.getvalue()
    assert SignInFailure.objects.count() == 2 and not purges()

    out = io.StringIO()
    call_command("kiosk_purge_failures", days=5, by=admin_user.username, stdout=out)
    assert "Deleted 2 failed kiosk sign-in(s)" in out.getvalue()
    assert not SignInFailure.objects.exists()
    assert [event.actor for event in purges()] == [admin_user]


def test_the_command_refuses_a_retention_under_a_day_and_an_unknown_operator(device_a):
    failure(device_a[0], days_ago=40)
    with pytest.raises(CommandError, match="at least one day"):
        call_command("kiosk_purge_failures", days=0)
    with pytest.raises(CommandError, match="No active user"):
        call_command("kiosk_purge_failures", by="nobody")
    assert SignInFailure.objects.count() == 1
