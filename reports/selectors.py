"""Figures per facility, read in a constant number of queries as history grows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from courses.models import CoursePage, Enrolment
from lms.core.models import Facility
from lms.core.suppression import Cell, rate, suppress_row, suppress_total


@dataclass(frozen=True)
class FacilityFigures:
    """Suppressed enrolment figures for one facility."""

    facility: str
    enrolments: Cell
    completions: Cell
    completion_rate: float | None


def enrolment_figures(
    *, start: datetime, end: datetime, facilities: list[Facility] | None = None
) -> tuple[list[FacilityFigures], Cell, Cell]:
    """Enrolments started in [start, end) and their completions per learner's facility,
    voluntary programmes left out (they are never joined to other indicators), with
    primary and secondary suppression over the facility column. One query (two when the
    facilities are not given), however many enrolments there are."""
    rows = list(
        Enrolment.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(course_key__in=CoursePage.objects.voluntary_keys())
        .values("learner__facility")
        .annotate(
            enrolments=Count("id"),
            completions=Count("id", filter=Q(status=Enrolment.Status.COMPLETED)),
        )
    )
    enrolled_by: dict[int, int] = {r["learner__facility"]: r["enrolments"] for r in rows}
    completed_by: dict[int, int] = {r["learner__facility"]: r["completions"] for r in rows}
    chosen = list(facilities) if facilities is not None else list(Facility.objects.order_by("name"))
    enrolled = [enrolled_by.get(f.pk, 0) for f in chosen]
    completed = [completed_by.get(f.pk, 0) for f in chosen]
    enrol_cells = suppress_row(enrolled)
    done_cells = suppress_row(completed)
    figures = [
        FacilityFigures(
            facility=f.name,
            enrolments=enrol_cells[i],
            completions=done_cells[i],
            completion_rate=rate(completed[i], enrolled[i])
            if not done_cells[i].suppressed
            else None,
        )
        for i, f in enumerate(chosen)
    ]
    return figures, suppress_total(sum(enrolled)), suppress_total(sum(completed))
