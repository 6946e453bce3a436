"""Giving and withdrawing consent.

Each service takes the acting user (only the learner themself: consent is personal and
nobody gives or withdraws it for someone else), runs in one transaction and writes its
audit event there. The audit row names the action and the record, not the programme.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import CoursePage, Enrolment
from courses.services import NotAllowed, enrolment_set_status
from lms.core.audit import audit_record
from lms.core.models import User

from .models import ConsentRecord
from .rules import consent_is_current


def _lock_learner(learner: User) -> None:
    # Serialises two taps on "I agree" (or agree/stop racing) for the same person.
    User.objects.select_for_update().filter(pk=learner.pk).first()


def consent_give(*, actor: User, course: CoursePage) -> ConsentRecord | None:
    """Record that ``actor`` agrees to take part in ``course``. Idempotent: if consent is
    already current, nothing is written and None is returned."""
    if not course.asks_for_consent:
        raise NotAllowed(_("This course does not ask for consent."))
    with transaction.atomic():
        _lock_learner(actor)
        if consent_is_current(learner_id=actor.pk, course_key=course.translation_key):
            return None
        record = ConsentRecord.objects.create(
            learner=actor, course_key=course.translation_key, action=ConsentRecord.Action.GIVEN
        )
        audit_record(actor=actor, action="consent.give", obj=record, facility=actor.facility)
    return record


def consent_withdraw(*, actor: User, course: CoursePage) -> ConsentRecord | None:
    """Record that ``actor`` stops taking part, and stop their enrolment (status
    "Stopped", never a failure). No reason is asked. Idempotent."""
    with transaction.atomic():
        _lock_learner(actor)
        if not consent_is_current(learner_id=actor.pk, course_key=course.translation_key):
            return None
        record = ConsentRecord.objects.create(
            learner=actor,
            course_key=course.translation_key,
            action=ConsentRecord.Action.WITHDRAWN,
        )
        audit_record(actor=actor, action="consent.withdraw", obj=record, facility=actor.facility)
        enrolment = Enrolment.objects.filter(
            learner=actor, course_key=course.translation_key
        ).first()
        if enrolment is not None and enrolment.status in (
            Enrolment.Status.ACTIVE,
            Enrolment.Status.PAUSED,
        ):
            enrolment_set_status(
                actor=actor, enrolment=enrolment, status=Enrolment.Status.WITHDRAWN
            )
    return record
