"""Issuing certificates.

``certificate_prepare`` runs inside the completion's transaction and creates the pending
row; ``certificate_issue`` (called by the Celery task) renders and stores the PDF. The
one-to-one link to the completion makes preparing idempotent, and the row lock plus the
status check make issuing idempotent: a task that runs twice, or two workers racing,
issue one certificate once.

Every certificate is issued with its signed Open Badges 3.0 credential and a random place
in the revocation status list.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import Any

from celery import current_app
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import CourseCompletion, CoursePage
from courses.selectors import course_lesson_keys, seconds_spent
from lms.celery import enqueue_on_commit
from lms.core.audit import audit_record

from .. import credentials
from ..models import STATUS_LIST_SIZE, Certificate, CertificateTemplate
from ..rendering import render_certificate_pdf
from .documents import certificate_credential, certificate_data
from .errors import CertificateError

# Enqueued by name: the tasks import these services, never the other way round (the
# app's ready() imports the tasks module, so the name is registered in every process).
ISSUE_TASK = "certificates.tasks.certificate_issue_task"


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def completion_rule(course: CoursePage, *, learner_id: int, by_hand: bool) -> dict[str, Any]:
    """What the course's completion rule measured for this learner, kept on the certificate
    so that it states it (``Certificate.rule_sentences``): the criteria the course switched
    on, and the active time measured. A completion recorded by an officer measured
    nothing here."""
    if by_hand:
        return {"by_hand": True}
    keys = course_lesson_keys(course)
    return {
        "lessons": len(keys) if course.complete_when_all_lessons_done else 0,
        "activities": bool(course.complete_when_activities_passed),
        "minutes_required": int(course.complete_after_minutes or 0),
        "minutes_measured": seconds_spent(learner_id=learner_id, lesson_keys=keys) // 60,
    }


def _course_facts(
    course: CoursePage, completed_on: date, *, learner_id: int, by_hand: bool = False
) -> dict[str, Any]:
    template = CertificateTemplate.objects.filter(is_default=True).first()
    return {
        "rule": completion_rule(course, learner_id=learner_id, by_hand=by_hand),
        "course_title": course.title,
        # The template's issuing provider (the college) wins over the course's.
        "provider": (template.issuing_provider if template else "") or course.provider,
        "hours": course.estimated_hours,
        "language": course.locale.language_code,
        "completed_on": completed_on,
        "course_key": course.translation_key,
        "programme_type": course.programme_type,
        "expires_on": (
            add_months(completed_on, course.validity_months) if course.validity_months else None
        ),
        "template": template,
    }


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
            **_course_facts(
                course, timezone.localdate(completion.completed_at), learner_id=learner.pk
            ),
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
    """Enqueue the render of ``certificate`` once the current transaction commits."""
    certificate_issue_task = current_app.tasks[ISSUE_TASK]

    # A broker that is down must not turn a recorded completion into an error page:
    # the certificate stays pending and the sweeper enqueues it again later.
    enqueue_on_commit(certificate_issue_task, certificate.serial)


def _status_index_assign(certificate: Certificate) -> None:
    """A random free place in the status list (the unique constraint backs the check)."""
    if certificate.status_index is not None:
        return
    for _ in range(64):
        index = credentials.status_index_new()
        if not Certificate.objects.filter(status_index=index).exists():
            certificate.status_index = index
            return
    raise CertificateError(
        gettext("No free place found in the revocation status list (%(size)s entries).")
        % {"size": STATUS_LIST_SIZE}
    )


def certificate_issue(*, serial: int) -> Certificate:
    """Render and store the PDF of a pending (or failed) certificate and mark it issued.

    Idempotent: an issued or revoked certificate is returned unchanged. The render runs
    outside any transaction (it takes tens of milliseconds); the row is locked again to
    store the result, and a second worker that got there first wins.
    """
    with transaction.atomic():
        # The template and its logos come with the row (certificate_data needs them);
        # of=self: PostgreSQL locks only the certificate, not the joined rows.
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("template__logo", "template__second_logo")
            .get(serial=serial)
        )
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
        # The learner's facility is for the audit row: joined here, not two more queries.
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("learner__facility")
            .get(serial=serial)
        )
        if certificate.status in (Certificate.Status.ISSUED, Certificate.Status.REVOKED):
            return certificate
        old_pdf = certificate.pdf.name if certificate.pdf else ""
        certificate.pdf.save(
            f"{certificate.public_id}-v{certificate.version}.pdf", ContentFile(pdf), save=False
        )
        certificate.status = Certificate.Status.ISSUED
        # A reissue keeps the date the certificate was first issued (its identity).
        certificate.issued_at = certificate.issued_at or timezone.now()
        certificate.last_error = ""
        _status_index_assign(certificate)
        certificate.issuer_key, certificate.credential, certificate.credential_ld = (
            certificate_credential(certificate)
        )
        certificate.save(
            update_fields=[
                *("pdf", "status", "issued_at", "last_error", "status_index"),
                *("credential", "credential_ld", "issuer_key"),
            ]
        )
        if old_pdf and old_pdf != certificate.pdf.name:
            storage = certificate.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_pdf))
        audit_record(
            actor=None,
            action="certificate.issue",
            obj=certificate,
            before={"status": Certificate.Status.RENDERING},
            after={"status": certificate.status, "serial": certificate.serial_number},
            facility=certificate.learner.facility,
        )
    return certificate
