"""Issuing certificates.

``certificate_prepare`` runs inside the completion's transaction and creates the pending
row; ``certificate_issue`` (called by the Celery task) renders and stores the PDF. The
one-to-one link to the completion makes preparing idempotent, and the row lock plus the
status check make issuing idempotent: a task that runs twice, or two workers racing,
issue one certificate once.

Every certificate is issued with its signed Open Badges 3.0 credential and a random place
in the revocation status list. By hand: ``certificate_issue_manual`` (an education
officer, with a reason); in bulk: ``bulk_issue_start`` and its task; ``certificate_revoke``
and ``certificate_reissue`` keep the certificate's identity (serial, code, credential id,
status index) and leave their history in the audit trail.
"""

from __future__ import annotations

import logging
from calendar import monthrange
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from courses.audience import audience_allows
from courses.models import CourseCompletion, CoursePage
from lms.core.audit import audit_record
from lms.core.models import Facility, User

from . import credentials
from .models import STATUS_LIST_SIZE, BulkIssue, Certificate, CertificateTemplate
from .rendering import CertificateData, SignatoryData, TemplateData, render_certificate_pdf


class CertificateError(Exception):
    """A certificate action refused by a rule; the message is for the person acting."""


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _course_facts(course: CoursePage, completed_on: date) -> dict[str, Any]:
    template = CertificateTemplate.objects.filter(is_default=True).first()
    return {
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
            **_course_facts(course, timezone.localdate(completion.completed_at)),
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


def status_list_url() -> str:
    return f"{settings.QADAM_BASE_URL}{reverse('certificates:status_list')}"


def template_data(template: CertificateTemplate | None, language: str) -> TemplateData:
    if template is None:
        return TemplateData()
    heading, statement = template.wording(language)
    return TemplateData(
        layout=template.layout,
        heading=heading,
        statement=statement,
        logo_path=template.logo.file.name if template.logo else "",
        second_logo_path=template.second_logo.file.name if template.second_logo else "",
        signatories=tuple(
            SignatoryData(
                name=s.name,
                title=s.title,
                signature_path=s.signature.file.name if s.signature else "",
            )
            for s in template.signatories.select_related("signature")
        ),
    )


def certificate_data(certificate: Certificate) -> CertificateData:
    template = certificate.template
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
        expires_on=certificate.expires_on,
        template=template_data(template, certificate.language),
    )


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
        f"No free place found in the revocation status list ({STATUS_LIST_SIZE} entries)."
    )


def certificate_credential(certificate: Certificate) -> str:
    """The signed OB 3.0 credential (VC-JWT) of ``certificate``, with the active key."""
    issued_at = certificate.issued_at or timezone.now()
    valid_until = (
        timezone.make_aware(datetime.combine(certificate.expires_on, time.max))
        if certificate.expires_on
        else None
    )
    facts = credentials.CredentialFacts(
        credential_id=f"urn:uuid:{certificate.public_id}",
        achievement_id=f"urn:uuid:{certificate.course_key or certificate.public_id}",
        holder_name=certificate.holder_name,
        holder_salt=certificate.holder_salt,
        course_title=certificate.course_title,
        provider=certificate.provider,
        hours=f"{certificate.hours.normalize():f}",
        language=certificate.language,
        completed_on=certificate.completed_on.isoformat(),
        valid_from=issued_at,
        valid_until=valid_until,
        verify_url=verify_url(certificate),
        status_list_url=status_list_url(),
        status_index=certificate.status_index,
    )
    signer = credentials.issuer_key_active()
    return credentials.jwt_sign(credentials.open_badge(facts, signer.did), signer)


def status_list_token() -> str:
    """The revocation status list as a signed VC-JWT, built now from the database."""
    revoked = set(
        Certificate.objects.filter(
            status=Certificate.Status.REVOKED, status_index__isnull=False
        ).values_list("status_index", flat=True)
    )
    signer = credentials.issuer_key_active()
    payload = credentials.status_list_credential(
        url=status_list_url(),
        revoked=revoked,
        size=STATUS_LIST_SIZE,
        issuer_did=signer.did,
        now=timezone.now(),
    )
    return credentials.jwt_sign(payload, signer)


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
            credentials.certificate_sign(certificate)
        )
        certificate.save(
            update_fields=[
                "pdf", "status", "issued_at", "last_error", "status_index", "credential",
                "credential_ld", "issuer_key",
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


def _learner_facility(learner: User) -> Facility | None:
    return learner.facility


def _require_manager(actor: User, learner: User) -> None:
    if not actor.can_manage_learners():
        raise CertificateError("Only education officers and administrators may do this.")
    if not User.objects.visible_to(actor).filter(pk=learner.pk).exists():
        raise CertificateError("This person is not in your facilities.")


def certificate_issue_manual(
    *,
    actor: User,
    learner: User,
    course: CoursePage,
    reason: str,
    completed_on: date | None = None,
) -> Certificate:
    """An education officer issues a certificate by hand (a course taken in a classroom,
    a completion the system missed), with a reason, for a learner of their facilities.
    Refused if the learner already holds a live certificate for the course, and for
    voluntary programmes (consent-based, every faith-based one)."""
    _require_manager(actor, learner)
    reason = reason.strip()
    if not reason:
        raise CertificateError("Say why the certificate is issued by hand.")
    if not audience_allows(learner, course.audience):
        raise CertificateError("This course is not meant for this person.")
    if course.requires_consent:
        # Taking part is the person's own choice and special-category data: no staff
        # member writes it down (and "already has one" would tell who took part).
        raise CertificateError(
            gettext("Certificates of voluntary programmes are not issued by hand.")
        )
    already = Certificate.objects.filter(
        learner=learner, course_key=course.translation_key
    ).exclude(status=Certificate.Status.REVOKED)
    with transaction.atomic():
        if already.exists():
            raise CertificateError("This person already has a certificate for this course.")
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    learner=learner,
                    holder_name=learner.get_full_name() or learner.get_username(),
                    issued_by=actor,
                    issue_reason=reason[:300],
                    **_course_facts(course, completed_on or timezone.localdate()),
                )
        except IntegrityError as error:  # another officer issued it a moment ago
            raise CertificateError(
                "This person already has a certificate for this course."
            ) from error
        audit_record(
            actor=actor,
            action="certificate.issue_manual",
            obj=certificate,
            after={"course": course.title, "reason": reason[:300], "learner": str(learner.pk)},
            facility=_learner_facility(learner),
        )
        certificate_enqueue(certificate)
    return certificate


def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke: the verify page and the signed status list say so from this moment.
    Administrators, or officers for learners of their facilities. Idempotent refusal: a
    revoked certificate cannot be revoked again."""
    _require_manager(actor, certificate.learner)
    reason = reason.strip()
    if not reason:
        raise CertificateError("Say why the certificate is revoked.")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status == Certificate.Status.REVOKED:
            raise CertificateError("This certificate is already revoked.")
        before = {"status": certificate.status}
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason[:300]
        certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
        audit_record(
            actor=actor,
            action="certificate.revoke",
            obj=certificate,
            before=before,
            after={"status": certificate.status, "reason": certificate.revoked_reason},
            facility=_learner_facility(certificate.learner),
        )
    return certificate


def certificate_reissue(
    *,
    actor: User,
    certificate: Certificate,
    reason: str,
    holder_name: str | None = None,
    template: CertificateTemplate | None = None,
) -> Certificate:
    """Reissue with a corrected name and/or another template. The certificate keeps its
    serial, code, credential id and status index; the version goes up, the PDF and the
    credential are made again, and the audit trail keeps the old values."""
    _require_manager(actor, certificate.learner)
    reason = reason.strip()
    if not reason:
        raise CertificateError("Say why the certificate is reissued.")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != Certificate.Status.ISSUED:
            raise CertificateError("Only an issued certificate can be reissued.")
        before = {
            "holder_name": certificate.holder_name,
            "template": certificate.template_id,
            "version": certificate.version,
        }
        if holder_name is not None and holder_name.strip():
            certificate.holder_name = holder_name.strip()[:300]
        if template is not None:
            certificate.template = template
            certificate.provider = template.issuing_provider or certificate.provider
        certificate.version += 1
        certificate.status = Certificate.Status.PENDING
        certificate.save(update_fields=["holder_name", "template", "provider", "version", "status"])
        audit_record(
            actor=actor,
            action="certificate.reissue",
            obj=certificate,
            before=before,
            after={
                "holder_name": certificate.holder_name,
                "template": certificate.template_id,
                "version": certificate.version,
                "reason": reason[:300],
            },
            facility=_learner_facility(certificate.learner),
        )
        certificate_enqueue(certificate)
    return certificate


def bulk_issue_start(
    *, actor: User, course: CoursePage | None = None, facility: Facility | None = None
) -> BulkIssue:
    """Queue a run that issues every missing certificate of a course and/or facility
    (completions without a certificate, and failed certificates). Administrators only."""
    if not actor.is_administrator:
        raise CertificateError("Only administrators may issue certificates in bulk.")
    if course is None and facility is None:
        raise CertificateError("Choose a course or a facility.")
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
        from .tasks import bulk_issue_task

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
                raise CertificateError("The course does not issue certificates.")
            with transaction.atomic():
                certificate = certificate_prepare(completion=completion, course=course)
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


def certificate_privacy_set(*, actor: User, certificate: Certificate, verify_name: str) -> None:
    """The holder (only they) chooses whether the public check page shows their full
    name or initials. Audited."""
    if actor.pk != certificate.learner_id:
        raise CertificateError("Only the holder can make this choice.")
    if verify_name not in ("full", "initials"):
        raise CertificateError("Choose full name or initials.")
    with transaction.atomic():
        before = certificate.verify_name
        Certificate.objects.filter(pk=certificate.pk).update(verify_name=verify_name)
        certificate.verify_name = verify_name
        audit_record(
            actor=actor,
            action="certificate.privacy",
            obj=certificate,
            before={"verify_name": before},
            after={"verify_name": verify_name},
            facility=None,
        )


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
