"""Reading consent records.

The learner reads their own freely. Staff read them only through
``consent_history_for_staff``: scoped to the people they may see, and every read writes
an audit row with who, when and why (special-category data).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from lms.core.audit import audit_record
from lms.core.models import User

from .models import ConsentRecord


def consent_history_own(*, learner: User) -> list[ConsentRecord]:
    return list(ConsentRecord.objects.filter(learner=learner).order_by("-at"))


def consent_history_for_staff(*, viewer: User, learner: User, reason: str) -> list[ConsentRecord]:
    """A learner's consent history for a staff member who manages them, with a stated
    reason. Writes ``consent.read`` to the audit trail in the same transaction."""
    reason = reason.strip()
    if not reason:
        raise PermissionDenied("A reason is required to read consent records.")
    if not viewer.can_manage_learners() or not (
        User.objects.visible_to(viewer).filter(pk=learner.pk).exists()
    ):
        raise PermissionDenied("Not a learner you manage.")
    with transaction.atomic():
        records = list(ConsentRecord.objects.filter(learner=learner).order_by("-at"))
        audit_record(
            actor=viewer,
            action="consent.read",
            obj=learner,
            after={"reason": reason[:200], "records": len(records)},
            facility=learner.facility,
        )
    return records
