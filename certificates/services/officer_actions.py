"""What an education officer (or an administrator) does to a certificate by hand:
``certificate_issue_manual`` (with a reason), ``certificate_revoke`` and
``certificate_reissue``. Revoking and reissuing keep the certificate's identity (serial,
code, credential id, status index) and leave their history in the audit trail."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import CoursePage
from lms.core.audit import audit_record
from lms.core.models import Facility, User
from lms.core.policy import audience_allows, may_manage_learner, may_manage_learners

from ..models import Certificate, CertificateTemplate
from .errors import CertificateError
from .issuing import _course_facts, certificate_enqueue


def _learner_facility(learner: User) -> Facility | None:
    return learner.facility


def _require_manager(actor: User, learner: User) -> None:
    if not may_manage_learners(actor):
        raise CertificateError(gettext("Only education officers and administrators may do this."))
    if not may_manage_learner(actor, learner):
        raise CertificateError(gettext("This person is not in your facilities."))


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
        raise CertificateError(gettext("Say why the certificate is issued by hand."))
    if not audience_allows(learner, course.audience):
        raise CertificateError(gettext("This course is not meant for this person."))
    if course.is_voluntary:
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
            raise CertificateError(
                gettext("This person already has a certificate for this course.")
            )
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
                gettext("This person already has a certificate for this course.")
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
        raise CertificateError(gettext("Say why the certificate is revoked."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status == Certificate.Status.REVOKED:
            raise CertificateError(gettext("This certificate is already revoked."))
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
        raise CertificateError(gettext("Say why the certificate is reissued."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != Certificate.Status.ISSUED:
            raise CertificateError(gettext("Only an issued certificate can be reissued."))
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
