"""Whether a learner's consent to a course is current: their newest consent record for it
is "given". ``ConsentConfig.ready`` registers ``consent_is_current`` with
``courses.participation``, which every write of progress asks (a course that asks for
consent records nothing without it).
"""

from __future__ import annotations

import uuid

from .models import ConsentRecord


def consent_is_current(*, learner_id: int, course_key: uuid.UUID) -> bool:
    """Whether the learner's newest consent record for the course is "given"."""
    latest = (
        ConsentRecord.objects.filter(learner_id=learner_id, course_key=course_key)
        .order_by("-at", "-id")
        .values_list("action", flat=True)
        .first()
    )
    return latest == ConsentRecord.Action.GIVEN
