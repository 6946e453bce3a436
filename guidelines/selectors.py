"""Who has and has not acknowledged a guideline, scoped to the viewer's facilities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wagtail.models import Locale

from courses.search import MAX_RESULTS, SearchHit
from lms.core.models import Facility, User
from lms.core.policy import people_visible_to

from .models import GuidelineAcknowledgement, GuidelinePage

STAFF_ROLES = [role for role in User.Role.values if role != User.Role.PRISONER_LEARNER]


def guidelines_requiring_acknowledgement() -> list[GuidelinePage]:
    """One page per guideline (the active language where translated)."""
    locale = Locale.get_active()
    chosen: dict = {}
    for page in GuidelinePage.objects.live().filter(requires_acknowledgement=True).order_by("path"):
        current = chosen.get(page.translation_key)
        if current is None or (page.locale_id == locale.pk and current.locale_id != locale.pk):
            chosen[page.translation_key] = page
    return sorted(chosen.values(), key=lambda page: page.title.lower())


@dataclass
class AcknowledgementRow:
    person: User
    acknowledged_at: datetime | None
    version: str | None


@dataclass
class FacilityAcknowledgements:
    facility: Facility | None
    rows: list[AcknowledgementRow]

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.acknowledged_at)


def acknowledgement_report(
    *, viewer: User, guideline: GuidelinePage
) -> list[FacilityAcknowledgements]:
    """Every staff member ``viewer`` may see, grouped by facility, with whether they
    acknowledged the current major version. Two queries, whatever the headcount."""
    staff = list(
        people_visible_to(viewer)
        .filter(role__in=STAFF_ROLES, is_active=True)
        .select_related("facility")
        .order_by("facility__name", "last_name", "first_name")
    )
    acknowledged = {
        ack.user_id: ack
        for ack in GuidelineAcknowledgement.objects.filter(
            guideline_key=guideline.translation_key,
            major_version=guideline.major_version,
            user__in=[person.pk for person in staff],
        )
    }
    groups: dict[int | None, FacilityAcknowledgements] = {}
    for person in staff:
        group = groups.setdefault(
            person.facility_id, FacilityAcknowledgements(facility=person.facility, rows=[])
        )
        ack = acknowledged.get(person.pk)
        group.rows.append(
            AcknowledgementRow(
                person=person,
                acknowledged_at=ack.acknowledged_at if ack else None,
                version=ack.version if ack else None,
            )
        )
    return list(groups.values())


def guideline_search(user: User, query: str, locale: Locale) -> list[SearchHit]:
    """Live guidelines in ``locale`` matching ``query``, for staff only (guidelines are for
    staff, ``GuidelinePage.audience``). The site search (``courses.search``) asks this."""
    if not user.is_staff_member:
        return []
    guidelines = GuidelinePage.objects.live().filter(locale=locale)
    return [
        SearchHit(guideline, "guideline", guideline.summary)
        for guideline in guidelines.search(query)[:MAX_RESULTS]
    ]
