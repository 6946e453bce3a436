"""Issuing certificates.

``certificate_prepare`` runs inside the completion's transaction and creates the pending
row; ``certificate_issue`` (called by the Celery task) renders and stores the PDF. The
one-to-one link to the completion makes preparing idempotent, and the row lock plus the
status check make issuing idempotent: a task that runs twice, or two workers racing,
issue one certificate once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseCompletion, CoursePage
from lms.core.audit import audit_record

from .models import Certificate
from .rendering import CertificateData, render_certificate_pdf

logger = logging.getLogger(__name__)


def certificate_prepare(*, completion: CourseCompletion, course: CoursePage) -> Certificate | None:
    """Create the pending certificate for ``completion`` if the course issues one, and
    enqueue its rendering after commit. Must run inside the completion's transaction."""
    if not course.issues_certificate:
        return None
    learner = completion.learner
    certificate, created = Certificate.objects.get_or_create(
        completion=completion,
        defaults={
            "learner": learner,
            "holder_name": learner.get_full_name() or learner.get_username(),
            "course_title": course.title,
            "provider": course.provider,
            "hours": course.estimated_hours,
            "language": course.locale.language_code,
            "completed_on": timezone.localdate(completion.completed_at),
        },
    )
    if created:
        audit_record(
            actor=None,
            action="certificate.prepare",
            obj=certificate,
            after={"status": certificate.status, "completion": str(completion.pk)},
            facility=learner.facility,
        )
        certificate_enqueue(certificate)
    return certificate


def certificate_enqueue(certificate: Certificate) -> None:
    from .tasks import certificate_issue_task

    # robust: a broker that is down must not turn a recorded completion into an error
    # page; the certificate stays pending and the sweeper enqueues it again later.
    transaction.on_commit(lambda: certificate_issue_task.delay(certificate.serial), robust=True)


def verify_url(certificate: Certificate) -> str:
    path = reverse("certificates:verify", kwargs={"code": certificate.verification_code})
    return f"{settings.QADAM_BASE_URL}{path}"


def certificate_data(certificate: Certificate) -> CertificateData:
    return CertificateData(
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        provider=certificate.provider,
        hours=certificate.hours,
        completed_on=certificate.completed_on,
        serial_number=certificate.serial_number,
        display_code=certificate.display_code,
        verify_url=verify_url(certificate),
        language=certificate.language,
    )


def certificate_issue(*, serial: int) -> Certificate:
    """Render and store the PDF of a pending (or failed) certificate and mark it issued.

    Idempotent: an issued or revoked certificate is returned unchanged. The render runs
    outside any transaction (it takes tens of milliseconds); the row is locked again to
    store the result, and a second worker that got there first wins.
    """
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(serial=serial)
        if certificate.status in (Certificate.Status.ISSUED, Certificate.Status.REVOKED):
            return certificate
        certificate.status = Certificate.Status.RENDERING
        certificate.attempts += 1
        certificate.save(update_fields=["status", "attempts"])

    try:
        pdf = render_certificate_pdf(certificate_data(certificate))
    except Exception as error:
        with transaction.atomic():
            Certificate.objects.filter(serial=serial, status=Certificate.Status.RENDERING).update(
                status=Certificate.Status.FAILED, last_error=repr(error)[:2000]
            )
        raise

    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(serial=serial)
        if certificate.status in (Certificate.Status.ISSUED, Certificate.Status.REVOKED):
            return certificate
        certificate.pdf.save(f"{certificate.public_id}.pdf", ContentFile(pdf), save=False)
        certificate.status = Certificate.Status.ISSUED
        certificate.issued_at = timezone.now()
        certificate.last_error = ""
        certificate.save(update_fields=["pdf", "status", "issued_at", "last_error"])
        audit_record(
            actor=None,
            action="certificate.issue",
            obj=certificate,
            before={"status": Certificate.Status.RENDERING},
            after={"status": certificate.status, "serial": certificate.serial_number},
            facility=certificate.learner.facility,
        )
    return certificate


# --- The sweeper (issue 7: nothing lost) ---------------------------------------------------
# A lost message (a broker restarted without persistence, a publish that failed after the
# commit, a task that ran out of retries) leaves a certificate pending, rendering or failed.
# The sweeper finds those older than a threshold and enqueues them again; issuing is
# idempotent, so a certificate that was only slow costs one wasted render at most and is
# still issued once.

STUCK_STATUSES = (
    Certificate.Status.PENDING,
    Certificate.Status.RENDERING,
    Certificate.Status.FAILED,
)


def certificates_stuck(*, older_than, max_attempts: int):
    """Certificates waiting since before ``older_than`` that may still be tried."""
    return Certificate.objects.filter(
        status__in=STUCK_STATUSES, created_at__lt=older_than, attempts__lt=max_attempts
    ).order_by("created_at")


def certificate_sweep(
    *,
    stuck_after_seconds: int | None = None,
    max_attempts: int | None = None,
    limit: int | None = None,
) -> list[int]:
    """Enqueue again every certificate stuck for longer than ``stuck_after_seconds``
    (default ``CERTIFICATE_SWEEP_AFTER``) that was tried fewer than ``max_attempts`` times
    (default ``CERTIFICATE_MAX_ATTEMPTS``), at most ``limit`` per sweep; return their
    serials. A certificate that reached the attempt limit stays failed for a person to
    look at (the admin lists it with its last error).

    Side effects: one ``certificate.sweep`` audit event per certificate, and one task
    message each, published after the commit. Idempotent in effect: enqueuing twice issues
    once.
    """
    from datetime import timedelta

    stuck_after = stuck_after_seconds
    if stuck_after is None:
        stuck_after = settings.CERTIFICATE_SWEEP_AFTER
    attempts = max_attempts if max_attempts is not None else settings.CERTIFICATE_MAX_ATTEMPTS
    batch = limit if limit is not None else settings.CERTIFICATE_SWEEP_BATCH
    older_than = timezone.now() - timedelta(seconds=stuck_after)
    with transaction.atomic():
        stuck = list(
            certificates_stuck(older_than=older_than, max_attempts=attempts)
            .select_related("learner")
            .select_for_update(skip_locked=True, of=("self",))[:batch]
        )
        for certificate in stuck:
            audit_record(
                actor=None,
                action="certificate.sweep",
                obj=certificate,
                before={"status": certificate.status, "attempts": certificate.attempts},
                facility=certificate.learner.facility,
            )
            certificate_enqueue(certificate)
    if stuck:
        logger.warning("certificate sweeper re-enqueued %d certificate(s)", len(stuck))
    return [certificate.serial for certificate in stuck]
