"""Writing the audit trail. Call ``audit_record`` inside the service's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet

from .models import AuditEvent, Facility, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    facility: Facility | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the caller's transaction, so the event and
    the change it records commit or roll back together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction.")
    event = _event(actor=actor, action=action, obj=obj, before=before, after=after)
    event.facility = facility
    event.save()
    return event


def audit_records(
    *,
    actor: User | None,
    action: str,
    objs: Iterable[tuple[models.Model, int | None]],
    after: dict[str, Any] | None = None,
) -> None:
    """``audit_record`` for many objects at once (a page that shows many people): one row
    each, written in one INSERT; ``objs`` pairs each object with its facility's id. Same
    rule: inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_records must be called inside the service's transaction.")
    events = []
    for obj, facility_id in objs:
        event = _event(actor=actor, action=action, obj=obj, before=None, after=after)
        event.facility_id = facility_id
        events.append(event)
    AuditEvent.objects.bulk_create(events)


def _event(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        actor_label=(actor.get_username() if actor else "system"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )


def person_audit_history(*, person: User) -> QuerySet[AuditEvent]:
    """The audit rows about ``person`` or done by them: as actor (a foreign key, which
    protects them) or as the object of a row (``core.user`` and their id, which a foreign
    key cannot see). A person with any such row is deactivated, never deleted."""
    return AuditEvent.objects.filter(
        Q(actor=person) | Q(object_type=User._meta.label_lower, object_id=str(person.pk))
    )
