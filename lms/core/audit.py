"""Writing the audit trail. Call ``audit_record`` inside the service's transaction."""

from __future__ import annotations

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
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=(actor.get_username() if actor else "system"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        facility=facility,
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
