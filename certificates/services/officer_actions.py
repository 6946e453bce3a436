"""What an education officer (or an administrator) does to a certificate by hand:
``certificate_issue_manual`` (with a reason and a completion date that can be true),
``certificate_revoke`` and ``certificate_reissue``. A reissue is a new certificate (its
own code, serial, credential id and status index) and the one it replaces is revoked, so
an old credential can never pass for the corrected one; the audit trail keeps both."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import CourseCompletion, CoursePage
from courses.services import enrolment_complete_by_hand
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
    completed_on = completed_on or timezone.localdate()
    _require_possible_completion_date(completed_on, course)
    already = Certificate.objects.filter(
        learner=learner, course_key=course.translation_key
    ).exclude(status=Certificate.Status.REVOKED)
    with transaction.atomic():
        if already.exists():
            raise CertificateError(
                gettext("This person already has a certificate for this course.")
            )
        # The person's enrolment shows the course as completed, as a completion by the
        # system would (no second certificate: the completion is this one's).
        completion: CourseCompletion | None = enrolment_complete_by_hand(
            actor=actor, learner=learner, course=course, completed_on=completed_on
        )
        if Certificate.objects.filter(completion=completion).exists():
            completion = None  # its certificate was revoked: this one stands alone
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    learner=learner,
                    completion=completion,
                    holder_name=learner.get_full_name() or learner.get_username(),
                    issued_by=actor,
                    issue_reason=reason[:300],
                    **_course_facts(course, completed_on, learner_id=learner.pk, by_hand=True),
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


def _require_possible_completion_date(completed_on: date, course: CoursePage) -> None:
    """A certificate cannot say a course was completed in the future, or before the
    course was first published."""
    if completed_on > timezone.localdate():
        raise CertificateError(gettext("The completion date cannot be in the future."))
    first = course.first_published_at
    if first is not None and completed_on < timezone.localdate(first):
        raise CertificateError(
            gettext("The course was first published on %(date)s: it cannot be completed before.")
            % {"date": timezone.localdate(first).isoformat()}
        )


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
    """Reissue with a corrected name and/or another template: a new certificate (new
    code, serial, credential id, status index, version + 1) is prepared from this one,
    takes over its completion, and this one is revoked ("replaced") in the same
    transaction, so its credential reads revoked everywhere. Returns the new one."""
    _require_manager(actor, certificate.learner)
    reason = reason.strip()
    if not reason:
        raise CertificateError(gettext("Say why the certificate is reissued."))
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != Certificate.Status.ISSUED:
            raise CertificateError(gettext("Only an issued certificate can be reissued."))
        completion_id = old.completion_id
        old.status = Certificate.Status.REVOKED
        old.revoked_at = timezone.now()
        old.revoked_reason = f"Replaced by a reissue: {reason}"[:300]
        old.completion = None
        old.save(update_fields=["status", "revoked_at", "revoked_reason", "completion"])
        new = Certificate.objects.create(
            completion_id=completion_id,
            learner=old.learner,
            holder_name=(holder_name or "").strip()[:300] or old.holder_name,
            course_title=old.course_title,
            provider=(template.issuing_provider if template else "") or old.provider,
            hours=old.hours,
            rule=old.rule,
            language=old.language,
            completed_on=old.completed_on,
            course_key=old.course_key,
            programme_type=old.programme_type,
            expires_on=old.expires_on,
            template=template or old.template,
            issued_by=old.issued_by,
            issue_reason=old.issue_reason,
            version=old.version + 1,
            verify_name=old.verify_name,
            reissue_of=old,
        )
        audit_record(
            actor=actor,
            action="certificate.reissue",
            obj=old,
            before={"holder_name": old.holder_name, "template": old.template_id},
            after={
                "status": old.status,
                "reissued_as": new.serial_number,
                "holder_name": new.holder_name,
                "template": new.template_id,
                "version": new.version,
                "reason": reason[:300],
            },
            facility=_learner_facility(old.learner),
        )
        audit_record(
            actor=actor,
            action="certificate.reissue_of",
            obj=new,
            after={"replaces": old.serial_number, "reason": reason[:300]},
            facility=_learner_facility(old.learner),
        )
        certificate_enqueue(new)
    return new
