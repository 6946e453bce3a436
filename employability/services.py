"""Writing the employability record, and exporting it at release. Each service takes the
acting user, checks they may act for the person, and audits in the same transaction."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from certificates.credentials import certificates_presentation
from certificates.services.documents import verify_url
from lms.core.audit import audit_record
from lms.core.models import User

from .models import Goal, Placement, RecordPreference
from .rendering import CvData, CvEntry, CvPlacement, render_cv_pdf
from .selectors import EmployabilityRecord, employability_record, prisoners_managed_by


class RecordError(Exception):
    pass


def _require_officer_for(actor: User, person: User) -> None:
    if not prisoners_managed_by(actor).filter(pk=person.pk).exists():
        raise RecordError(gettext("You may not maintain this person's record."))


def record_preference_set(*, actor: User, person: User, include_faith_based: bool) -> None:
    """The person (only they) chooses whether voluntary programmes appear in their
    record, exports and CV. Audited; the audit keeps the choice, not the programmes."""
    if actor.pk != person.pk:
        raise RecordError(gettext("Only the person can make this choice."))
    with transaction.atomic():
        preference, _ = RecordPreference.objects.select_for_update().get_or_create(person=person)
        before = preference.include_faith_based
        preference.include_faith_based = include_faith_based
        preference.save()
        audit_record(
            actor=actor,
            action="employability.preference",
            obj=preference,
            before={"include_faith_based": before},
            after={"include_faith_based": include_faith_based},
            facility=person.facility,
        )


def placement_create(
    *,
    actor: User,
    person: User,
    kind: str,
    role: str,
    started_on: date,
    description: str = "",
    ended_on: date | None = None,
    hours_per_week: Decimal | None = None,
) -> Placement:
    """An officer records prison work or a vocational placement for a person."""
    _require_officer_for(actor, person)
    if ended_on is not None and ended_on < started_on:
        raise RecordError(gettext("The end date is before the start date."))
    with transaction.atomic():
        placement = Placement.objects.create(
            person=person,
            kind=kind,
            role=role,
            description=description,
            started_on=started_on,
            ended_on=ended_on,
            hours_per_week=hours_per_week,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="employability.placement_create",
            obj=placement,
            after={"kind": kind, "role": role, "person": str(person.pk)},
            facility=person.facility,
        )
    return placement


def goal_create(*, actor: User, person: User, text: str, target_date: date | None) -> Goal:
    _require_officer_for(actor, person)
    with transaction.atomic():
        goal = Goal.objects.create(
            person=person, text=text, target_date=target_date, recorded_by=actor
        )
        audit_record(
            actor=actor,
            action="employability.goal_create",
            obj=goal,
            after={"text": text, "person": str(person.pk)},
            facility=person.facility,
        )
    return goal


def goal_achieved(*, actor: User, goal: Goal) -> Goal:
    _require_officer_for(actor, goal.person)
    with transaction.atomic():
        goal.achieved_on = timezone.localdate()
        goal.save(update_fields=["achieved_on"])
        audit_record(
            actor=actor,
            action="employability.goal_achieved",
            obj=goal,
            after={"achieved_on": goal.achieved_on.isoformat()},
            facility=goal.person.facility,
        )
    return goal


def cv_data(person: User, language: str, record: EmployabilityRecord | None = None) -> CvData:
    record = record or employability_record(person=person)
    return CvData(
        name=person.get_full_name() or person.get_username(),
        language=language,
        entries=tuple(
            CvEntry(
                title=c.course_title,
                provider=c.provider,
                completed_on=c.completed_on,
                hours=c.hours,
                code=c.display_code,
                verify_url=verify_url(c),
                expires_on=c.expires_on,
            )
            for c in record.certificates
        ),
        hours=tuple(record.hours_by_programme),
        skills=tuple(record.skills),
        placements=tuple(
            CvPlacement(
                role=p.role,
                description=p.description,
                started_on=p.started_on,
                ended_on=p.ended_on,
            )
            for p in record.placements
        ),
    )


def record_export(*, actor: User, person: User, kind: str, language: str) -> tuple[bytes, str]:
    """Export the record at release: ``cv`` (a PDF with no prison branding) or
    ``credentials`` (a Verifiable Presentation of the signed credentials, signed by the
    installation). Audited with what was
    exported (counts, never content). Faith-based entries only if the person chose."""
    _require_officer_for(actor, person)
    record = employability_record(person=person)
    if kind == "cv":
        content, content_type = render_cv_pdf(cv_data(person, language, record)), "application/pdf"
    elif kind == "credentials":
        # A Verifiable Presentation a wallet imports, signed by the installation.
        presentation = certificates_presentation(record.certificates)
        content = json.dumps(presentation, ensure_ascii=False, indent=2).encode()
        content_type = "application/json"
    else:
        raise RecordError(gettext("Unknown export: %(kind)s.") % {"kind": kind})
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"employability.export_{kind}",
            obj=person,
            after={
                "certificates": len(record.certificates),
                "placements": len(record.placements),
                "include_voluntary": record.include_voluntary,
            },
            facility=person.facility,
        )
    return content, content_type
