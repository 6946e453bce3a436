"""Bulk issue: an administrator queues a run that issues every missing certificate of a
course and/or facility; the run counts its progress on its row."""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import CourseCompletion, CoursePage
from lms.core.audit import audit_record
from lms.core.models import Facility, User

from ..models import BulkIssue, Certificate
from .errors import CertificateError
from .issuing import certificate_issue, certificate_prepare

# Enqueued by name: the tasks import these services, never the other way round.
BULK_ISSUE_TASK = "certificates.tasks.bulk_issue_task"

logger = logging.getLogger(__name__)


def bulk_issue_start(
    *, actor: User, course: CoursePage | None = None, facility: Facility | None = None
) -> BulkIssue:
    """Queue a run that issues every missing certificate of a course and/or facility
    (completions without a certificate, and failed certificates). Administrators only."""
    if not actor.is_administrator:
        raise CertificateError(gettext("Only administrators may issue certificates in bulk."))
    if course is None and facility is None:
        raise CertificateError(gettext("Choose a course or a facility."))
    with transaction.atomic():
        bulk = BulkIssue.objects.create(
            course_key=course.translation_key if course else None,
            course_title=course.title if course else "",
            facility=facility,
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action="certificate.bulk_issue",
            obj=bulk,
            after={"course": bulk.course_title, "facility": facility.pk if facility else None},
            facility=facility,
        )
        bulk_issue_task = current_app.tasks[BULK_ISSUE_TASK]
        transaction.on_commit(lambda: bulk_issue_task.delay(str(bulk.public_id)))
    return bulk


def bulk_issue_run(*, public_id: str) -> BulkIssue:
    """Run a queued bulk issue, counting progress on its row as it goes. Idempotent: a
    finished run is left alone; each certificate is issued once whatever happens."""
    bulk = BulkIssue.objects.get(public_id=public_id)
    if bulk.status in (BulkIssue.Status.DONE, BulkIssue.Status.FAILED):
        return bulk
    completions = CourseCompletion.objects.filter(
        Q(certificate__isnull=True)
        | Q(certificate__status__in=[Certificate.Status.PENDING, Certificate.Status.FAILED])
    )
    if bulk.course_key:
        completions = completions.filter(course_key=bulk.course_key)
    if bulk.facility_id:
        completions = completions.filter(learner__facility_id=bulk.facility_id)
    ids = list(completions.values_list("pk", flat=True))
    BulkIssue.objects.filter(pk=bulk.pk).update(
        status=BulkIssue.Status.RUNNING, total=len(ids), done=0, failed=0
    )
    for completion_id in ids:
        completion = CourseCompletion.objects.select_related("learner").get(pk=completion_id)
        course = CoursePage.objects.filter(pk=completion.course_id).first()
        try:
            if course is None or not course.issues_certificate:
                raise CertificateError(gettext("The course does not issue certificates."))
            with transaction.atomic():
                certificate = certificate_prepare(completion=completion, course=course)
            if certificate is None:
                raise CertificateError(gettext("The course does not issue certificates."))
            certificate_issue(serial=certificate.serial)
        except Exception:
            logger.exception("bulk issue %s: completion %s failed", bulk.public_id, completion_id)
            BulkIssue.objects.filter(pk=bulk.pk).update(failed=F("failed") + 1)
        else:
            BulkIssue.objects.filter(pk=bulk.pk).update(done=F("done") + 1)
    BulkIssue.objects.filter(pk=bulk.pk).update(
        status=BulkIssue.Status.DONE, finished_at=timezone.now()
    )
    bulk.refresh_from_db()
    return bulk
