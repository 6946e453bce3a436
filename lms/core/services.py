"""Changes to people and places. Each service runs in one transaction and audits itself."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import Facility, Transfer, Unit, User


def person_transfer(
    *,
    actor: User,
    person: User,
    to_facility: Facility,
    to_unit: Unit | None = None,
    reason: str = "",
) -> Transfer:
    """Move ``person`` to another facility (and unit), keeping the history.

    Administrators may move anyone; an education officer may move people out of a facility
    they manage. Records that belong to the person (enrolments, certificates) follow them,
    because they hang off the person, not the facility. Not idempotent: each call is a move.
    """
    if to_unit is not None and to_unit.facility_id != to_facility.pk:
        raise ValidationError(_("The unit is not in the destination facility."))
    allowed = actor.is_administrator or (
        actor.is_education_officer
        and actor.managed_facilities.filter(pk=person.facility_id).exists()
    )
    if not allowed:
        raise PermissionDenied(_("You may not transfer this person."))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        before = {"facility": person.facility_id, "unit": person.unit_id}
        transfer = Transfer.objects.create(
            person=person,
            from_facility_id=person.facility_id,
            from_unit_id=person.unit_id,
            to_facility=to_facility,
            to_unit=to_unit,
            recorded_by=actor,
            reason=reason,
        )
        person.facility = to_facility
        person.unit = to_unit
        person.save(update_fields=["facility", "unit"])
        audit_record(
            actor=actor,
            action="person.transfer",
            obj=person,
            before=before,
            after={"facility": to_facility.pk, "unit": to_unit.pk if to_unit else None},
            facility=to_facility,
        )
    return transfer


def person_erase(*, actor: User | None, person: User) -> str:
    """Erase a person at the end of retention without losing the audit trail: their name,
    username, e-mail and prisoner number are replaced by a pseudonym, the account is
    deactivated with no usable password, and the ``actor_label`` of their audit rows takes
    the pseudonym (the one change ever made to audit rows, done here and only here). The
    rows themselves, and what they say was done, stay. Returns the pseudonym. Audited."""
    import secrets

    from django.db.models import QuerySet

    from .models import AuditEvent, StaffSession

    pseudonym = f"erased-{secrets.token_hex(5)}"
    with transaction.atomic():
        person.first_name = person.last_name = person.position = person.email = ""
        person.username = pseudonym
        if person.is_prisoner:
            person.prisoner_number = pseudonym.upper()
        person.is_active = False
        person.set_unusable_password()
        person.save()
        StaffSession.objects.filter(user=person).delete()
        QuerySet(AuditEvent).filter(actor=person).update(actor_label=pseudonym)
        audit_record(actor=actor, action="person.erase", obj=person, facility=person.facility)
    return pseudonym


def person_deactivate(*, actor: User, person: User, reason: str = "") -> User:
    """Deactivate ``person`` (no sign-in anywhere; their open staff sessions end), keeping
    the account, its records and its audit trail: what is done instead of deleting a
    person with audit history (``lms.core.audit.person_audit_history``). Idempotent: an
    inactive person is left as they are, with no new row. Audited."""
    from .models import StaffSession

    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            return person
        person.is_active = False
        person.save(update_fields=["is_active"])
        StaffSession.objects.filter(user=person).delete()
        audit_record(
            actor=actor,
            action="person.deactivate",
            obj=person,
            before={"is_active": True},
            after={"is_active": False, "reason": reason[:200]},
            facility=person.facility,
        )
    return person
