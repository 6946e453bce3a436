"""Writes for mandatory training: extension and exemption requests and their decisions,
reminder frequency and read notifications. Each runs in one transaction with the acting
user and writes its audit row there; re-evaluation follows on commit."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.celery import enqueue_on_commit
from lms.core.audit import audit_record
from lms.core.models import Facility, User
from lms.core.policy import may_manage_learner

from .models import DIGEST_FREQUENCIES, Assignment, Pause, Reminder, StaffRecord, TrainingRequest


class TrainingError(Exception):
    """A request that cannot be made or decided; the message is for the person."""


def _reevaluate(person_id: int) -> None:
    from .tasks import evaluate_person_task

    enqueue_on_commit(evaluate_person_task, person_id)


def training_request_create(
    *,
    actor: User,
    assignment: Assignment,
    kind: str,
    reason: str,
    until: datetime.date | None = None,
) -> TrainingRequest:
    """``actor`` asks for an extension (to ``until``) or an exemption (until ``until``, or
    for good) of their own current cycle. One pending request of each kind at a time."""
    reason = (reason or "").strip()
    if assignment.person_id != actor.pk or not assignment.is_current:
        raise TrainingError(_("You can ask only about your own current training."))
    if kind not in TrainingRequest.Kind.values:
        raise TrainingError(_("Choose an extension or an exemption."))
    if not reason:
        raise TrainingError(_("Say why you ask."))
    if kind == TrainingRequest.Kind.EXTENSION and (
        until is None or until <= assignment.effective_due_on
    ):
        raise TrainingError(_("An extension needs a date after the current deadline."))
    try:
        with transaction.atomic():
            request = TrainingRequest.objects.create(
                assignment=assignment,
                kind=kind,
                until=until,
                reason=reason[:500],
                requested_by=actor,
            )
            audit_record(
                actor=actor,
                action=f"training.{kind}_requested",
                obj=request,
                after={"until": until.isoformat() if until else None, "reason": reason[:200]},
                facility=actor.facility,
            )
    except IntegrityError:
        raise TrainingError(_("You already asked; wait for the decision.")) from None
    return request


def training_request_decide(
    *, actor: User, request: TrainingRequest, grant: bool, reason: str
) -> TrainingRequest:
    """``actor`` grants or refuses a pending request of someone they manage
    (``may_manage_learner``), with a reason. Granting an extension moves the deadline to
    its date; granting an exemption exempts the cycle (reason, approver, end date). Decided
    once (``TrainingRequest.TRANSITIONS``)."""
    reason = (reason or "").strip()
    if not reason:
        raise TrainingError(_("Give the reason for the decision."))
    with transaction.atomic():
        request = TrainingRequest.objects.select_for_update().get(pk=request.pk)
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("person")
            .get(pk=request.assignment_id)
        )
        if not may_manage_learner(actor, assignment.person):
            raise TrainingError(_("Not a person you manage."))
        status = TrainingRequest.Status.GRANTED if grant else TrainingRequest.Status.REFUSED
        if status not in TrainingRequest.TRANSITIONS[request.status]:
            raise TrainingError(_("This request has already been decided."))
        request.status, request.decided_by = status, actor
        request.decided_at, request.decision_reason = timezone.now(), reason[:500]
        request.save()
        before = {
            "extended_to": str(assignment.extended_to or ""),
            "is_exempt": assignment.is_exempt,
        }
        if grant and request.kind == TrainingRequest.Kind.EXTENSION:
            assignment.extended_to = request.until
        elif grant:
            assignment.is_exempt = True
            assignment.exempt_until = request.until
            assignment.exempt_reason = reason[:300]
            assignment.exempt_by = actor
        assignment.save()
        audit_record(
            actor=actor,
            action=f"training.{request.kind}_{status}",
            obj=request,
            before=before,
            after={"reason": reason[:200], "until": str(request.until or "")},
            facility=assignment.person.facility,
        )
        _reevaluate(assignment.person_id)
    return request


def digest_frequency_set(*, actor: User, frequency: str, language: str = "") -> StaffRecord:
    """``actor`` chooses how often reminder e-mails come (daily, weekly, never) and, with
    ``language``, the language they are written in (empty: as it is)."""
    from django.conf import settings

    if frequency not in DIGEST_FREQUENCIES or actor.is_prisoner:
        raise TrainingError(_("Choose how often."))
    if language and language not in dict(settings.LANGUAGES):
        raise TrainingError(_("Choose a language."))
    with transaction.atomic():
        record, _created = StaffRecord.objects.get_or_create(person=actor)
        before = {"frequency": record.digest_frequency, "language": actor.language}
        record.digest_frequency = frequency
        record.save(update_fields=["digest_frequency"])
        if language and language != actor.language:
            User.objects.filter(pk=actor.pk).update(language=language)
            actor.language = language
        audit_record(
            actor=actor,
            action="training.digest_frequency_set",
            obj=record,
            before=before,
            after={"frequency": frequency, "language": actor.language},
        )
    return record


def notifications_mark_read(*, actor: User) -> int:
    """Mark ``actor``'s in-app training notifications read. Idempotent."""
    return Reminder.objects.filter(person=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def pause_declare(
    *,
    actor: User,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    reason: str = "",
    person: User | None = None,
    facility_code: str = "",
    unit_name: str = "",
) -> Pause:
    """``actor`` declares time that does not count: a lockdown of a facility (or one of
    its units) they manage, or a pause for one person they manage (leave for staff;
    segregation, a transfer in progress or a medical absence for prisoners). Audited;
    the people it covers are re-evaluated on commit (receivers)."""
    from lms.core.models import Unit
    from lms.core.policy import managed_facilities

    reason = (reason or "").strip()
    if not reason:
        raise TrainingError(_("Say why."))
    if ends_on is not None and ends_on < starts_on:
        raise TrainingError(_("The end is before the start."))
    where: Facility | None
    pause = Pause(
        kind=kind, starts_on=starts_on, ends_on=ends_on, reason=reason[:300], recorded_by=actor
    )
    if kind == Pause.Kind.LOCKDOWN:
        facility = managed_facilities(actor).filter(code=facility_code).first()
        if facility is None:
            raise TrainingError(_("Not a facility you manage."))
        pause.facility = facility
        if unit_name:
            pause.unit = Unit.objects.filter(facility=facility, name__iexact=unit_name).first()
            if pause.unit is None:
                raise TrainingError(_("No such unit in this facility."))
        where = facility
    elif kind in Pause.PERSONAL_KINDS:
        if person is None or not may_manage_learner(actor, person):
            raise TrainingError(_("Not a person you manage."))
        if (kind == Pause.Kind.LEAVE) == person.is_prisoner:
            raise TrainingError(
                _("Leave is for staff; segregation, transfer and medical absence for prisoners.")
            )
        pause.person = person
        where = person.facility
    else:
        raise TrainingError(_("Choose what kind of pause."))
    with transaction.atomic():
        pause.save()
        audit_record(
            actor=actor,
            action=f"training.pause_{kind}_declared",
            obj=pause,
            after={
                "person": person.pk if person else None,
                "from": starts_on.isoformat(),
                "until": ends_on.isoformat() if ends_on else None,
                "reason": reason[:200],
            },
            facility=where,
        )
    return pause


def pause_end(*, actor: User, pause: Pause, ends_on: datetime.date) -> Pause:
    """``actor`` ends a pause they may manage on ``ends_on`` (not before it started)."""
    from lms.core.policy import managed_facilities

    person = pause.person
    if person is None:
        allowed = managed_facilities(actor).filter(pk=pause.facility_id or 0).exists()
    else:
        allowed = may_manage_learner(actor, person)
    if not allowed:
        raise TrainingError(_("Not a pause you manage."))
    if ends_on < pause.starts_on:
        raise TrainingError(_("The end is before the start."))
    with transaction.atomic():
        before = {"until": pause.ends_on.isoformat() if pause.ends_on else None}
        pause.ends_on = ends_on
        pause.save(update_fields=["ends_on"])
        audit_record(
            actor=actor,
            action="training.pause_ended",
            obj=pause,
            before=before,
            after={"until": ends_on.isoformat()},
            facility=pause.facility or (person.facility if person else None),
        )
    return pause
