"""The consent rule, imported by ``courses.services``: a course that requires consent
records no progress for a learner whose latest consent record is not "given".

Deliberately small and free of imports from ``courses`` (courses imports this module).
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


def consent_needed(*, learner_id: int, course: object) -> bool:
    """Whether ``course`` (a CoursePage) needs consent the learner has not (or no longer)
    given."""
    if not getattr(course, "requires_consent", False):
        return False
    return not consent_is_current(learner_id=learner_id, course_key=course.translation_key)
