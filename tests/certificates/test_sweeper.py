"""The sweeper: what is stuck is enqueued again, what is fine is left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.services.sweeper import certificate_sweep
from certificates.tasks import certificate_sweep_task
from courses.services import enrolment_create, lesson_complete
from lms.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def pending_certificate(learner, course, *, age_minutes=60):
    """A completion whose certificate message was lost: pending, never enqueued."""
    enrolment_create(actor=learner, learner=learner, course=course)
    for lesson in course.lessons().specific():
        lesson_complete(actor=learner, lesson=lesson)  # on_commit never runs here
    certificate = Certificate.objects.get(learner=learner)
    Certificate.objects.filter(pk=certificate.pk).update(
        created_at=timezone.now() - timedelta(minutes=age_minutes)
    )
    return certificate


def test_a_certificate_whose_message_was_lost_is_issued_by_the_sweeper(
    prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    certificate = pending_certificate(prisoner, prisoner_course)
    assert certificate.status == Certificate.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        swept = certificate_sweep(stuck_after_seconds=600)
    assert swept == [certificate.serial]
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.pdf.name
    assert AuditEvent.objects.filter(action="certificate.sweep").count() == 1
    assert AuditEvent.objects.filter(action="certificate.issue").count() == 1
    # Issued now: the next sweep finds nothing.
    assert certificate_sweep(stuck_after_seconds=600) == []


def test_recent_issued_and_exhausted_certificates_are_left_alone(
    facility_a, prisoner_course, django_capture_on_commit_callbacks
):
    recent = pending_certificate(
        factories.PrisonerFactory(facility=facility_a), prisoner_course, age_minutes=1
    )
    exhausted = pending_certificate(factories.PrisonerFactory(facility=facility_a), prisoner_course)
    Certificate.objects.filter(pk=exhausted.pk).update(
        status=Certificate.Status.FAILED, attempts=10, last_error="boom"
    )
    revoked = pending_certificate(factories.PrisonerFactory(facility=facility_a), prisoner_course)
    Certificate.objects.filter(pk=revoked.pk).update(status=Certificate.Status.REVOKED)
    stuck = pending_certificate(factories.PrisonerFactory(facility=facility_a), prisoner_course)
    Certificate.objects.filter(pk=stuck.pk).update(status=Certificate.Status.RENDERING, attempts=3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        swept = certificate_sweep(stuck_after_seconds=600, max_attempts=10)
    assert swept == [stuck.serial]
    assert len(callbacks) == 1
    statuses = dict(Certificate.objects.values_list("serial", "status"))
    assert statuses[recent.serial] == Certificate.Status.PENDING
    assert statuses[exhausted.serial] == Certificate.Status.FAILED
    assert statuses[revoked.serial] == Certificate.Status.REVOKED
    assert statuses[stuck.serial] == Certificate.Status.ISSUED


def test_the_sweep_is_bounded_per_run(facility_a, prisoner_course):
    for _ in range(3):
        pending_certificate(factories.PrisonerFactory(facility=facility_a), prisoner_course)
    assert len(certificate_sweep(stuck_after_seconds=600, limit=2)) == 2


def test_the_periodic_task_sweeps_with_the_configured_threshold(
    prisoner, prisoner_course, settings, django_capture_on_commit_callbacks
):
    pending_certificate(prisoner, prisoner_course, age_minutes=20)
    settings.CERTIFICATE_SWEEP_AFTER = 30 * 60
    assert certificate_sweep_task() == 0
    settings.CERTIFICATE_SWEEP_AFTER = 10 * 60
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_sweep_task() == 1
    assert Certificate.objects.get(learner=prisoner).status == Certificate.Status.ISSUED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_has_the_sweeper_on_its_database_schedule(settings):
    from django_celery_beat.models import PeriodicTask

    from lms.celery import app

    assert settings.CELERY_BEAT_SCHEDULER.startswith("django_celery_beat")
    entry = settings.CELERY_BEAT_SCHEDULE["certificates-sweep"]
    assert entry["task"] == certificate_sweep_task.name
    # The database scheduler writes the settings' entries into its tables at start-up.
    from django_celery_beat.schedulers import DatabaseScheduler

    DatabaseScheduler(app=app, lazy=True).setup_schedule()
    assert PeriodicTask.objects.filter(
        name="certificates-sweep", task="certificates.tasks.certificate_sweep_task"
    ).exists()


def test_a_broker_failure_after_commit_keeps_the_completion(
    prisoner, prisoner_course, monkeypatch, django_capture_on_commit_callbacks
):
    """The publish fails (broker down): the completion and the pending certificate are
    recorded all the same, and the learner sees no error."""
    from certificates import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.certificate_issue_task, "delay", broker_down)
    enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in prisoner_course.lessons().specific():
            lesson_complete(actor=prisoner, lesson=lesson)
    certificate = Certificate.objects.get(learner=prisoner)
    assert certificate.status == Certificate.Status.PENDING
    assert certificate.completion.learner == prisoner
