"""Reading consent records.

The learner reads their own freely. Staff read them only through
``consent_history_for_staff``: scoped to the people they may see, and every read writes
an audit row with who, when and why (special-category data). ``consent_history_by_course``
only arranges records already read for display (course titles in the active language).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from wagtail.models import Locale

from courses.models import CoursePage
from lms.core.models import User
from lms.core.policy import SpecialCategory, special_category_read

from .models import ConsentRecord


def consent_history_own(*, learner: User) -> list[ConsentRecord]:
    """The person's own consent history, newest first. Not audited: it is their own."""
    return list(ConsentRecord.objects.filter(learner=learner).order_by("-at", "-id"))


def consent_history_for_staff(
    *, viewer: User, learner: User, reason: str, request: Any = None
) -> list[ConsentRecord]:
    """A learner's consent history for a staff member who manages them, with a stated
    reason: a special-category read (``lms.core.policy.special_category_read``), which
    writes ``consent.read`` to the audit trail in the same transaction as the read (with
    the address or kiosk of ``request``)."""
    with transaction.atomic():
        records = list(ConsentRecord.objects.filter(learner=learner).order_by("-at", "-id"))
        special_category_read(
            actor=viewer,
            person=learner,
            category=SpecialCategory.CONSENT,
            reason=reason,
            action="consent.read",
            details={"records": len(records)},
            request=request,
        )
    return records


@dataclass
class CourseConsent:
    """One course's consent history for display: the course (None when it is no longer
    published), whether the newest record says "taking part", and the records, newest
    first."""

    course: CoursePage | None
    records: list[ConsentRecord] = field(default_factory=list)

    @property
    def taking_part(self) -> bool:
        return bool(self.records) and self.records[0].action == ConsentRecord.Action.GIVEN

    @property
    def last_at(self):
        return self.records[0].at


def consent_history_by_course(*, records: list[ConsentRecord]) -> list[CourseConsent]:
    """Group records (as returned by the selectors above, newest first) by course, with the
    course's live page in the active language where translated; the course with the most
    recent change first. Two queries, however many records. Reads nothing more about the
    person, so it writes no audit row of its own."""
    by_key: dict[uuid.UUID, CourseConsent] = {}
    for record in records:
        by_key.setdefault(record.course_key, CourseConsent(course=None)).records.append(record)
    if not by_key:
        return []
    locale = Locale.get_active()
    for course in CoursePage.objects.live().filter(translation_key__in=by_key).order_by("path"):
        entry = by_key[course.translation_key]
        if entry.course is None or (
            course.locale_id == locale.pk and entry.course.locale_id != locale.pk
        ):
            entry.course = course
    return sorted(by_key.values(), key=lambda entry: entry.last_at, reverse=True)
