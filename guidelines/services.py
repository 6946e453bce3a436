"""Acknowledging guidelines."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lms.core.audit import audit_record
from lms.core.models import User

from .models import GuidelineAcknowledgement, GuidelinePage


class GuidelineError(Exception):
    pass


def guideline_acknowledge(*, actor: User, guideline: GuidelinePage) -> GuidelineAcknowledgement:
    """Record that ``actor`` read and understood the current major version of
    ``guideline``. Staff only. Idempotent: acknowledging twice keeps the first time."""
    if not actor.is_staff_member or not actor.is_active:
        raise GuidelineError(_("Only staff acknowledge guidelines."))
    if not guideline.live or not guideline.requires_acknowledgement:
        raise GuidelineError(_("This guideline does not ask for acknowledgement."))
    lookup = {
        "user": actor,
        "guideline_key": guideline.translation_key,
        "major_version": guideline.major_version,
    }
    existing = GuidelineAcknowledgement.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        try:
            with transaction.atomic():
                acknowledgement = GuidelineAcknowledgement.objects.create(
                    **lookup, version=guideline.version
                )
        except IntegrityError:
            return GuidelineAcknowledgement.objects.get(**lookup)
        audit_record(
            actor=actor,
            action="guideline.acknowledge",
            obj=acknowledgement,
            after={"guideline": str(guideline.translation_key), "version": guideline.version},
            facility=actor.facility,
        )
    return acknowledgement
