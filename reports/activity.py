"""Active learners: distinct learners with lesson activity (a lesson opened, done, or time
reported) in the 7 and the 30 days before a fixed moment, per facility.

The moment is the end of the period's last complete month (never "now"): a count taken
afresh each day would let two days' counts differ by one person. Each count is
suppressed as a column of every facility with the national total, as the monthly counts
are (``lms.core.suppression``); a viewer's facilities are a slice of it. Voluntary
programmes are left out: learning in one is never joined to other figures.

One query (two with the facilities), however much history there is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from courses.models import CoursePage, LessonProgress
from lms.core.models import Facility, User
from lms.core.policy import report_counts_exact, report_facilities
from lms.core.suppression import TOTAL, Cell, Grid, derived_sum, suppress_grid

from .periods import Period, report_tz

WINDOWS = (7, 30)


@dataclass(frozen=True)
class ActiveRow:
    facility: Facility
    counts: list[Cell]  # one per ``WINDOWS``


@dataclass(frozen=True)
class Active:
    """Active learners as of ``until`` (the first instant after the days counted)."""

    until: datetime.datetime
    rows: list[ActiveRow]
    total: list[Cell]


def active_until(period: Period, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The end of the period's last month that is over (the period's end when it is all
    past; else the start of this month)."""
    now = now or timezone.now()
    this_month = timezone.localtime(now, report_tz()).date().replace(day=1)
    this_month_start = datetime.datetime.combine(this_month, datetime.time(), tzinfo=report_tz())
    return min(period.end, this_month_start)


def active_learners(
    *, actor: User, period: Period, export: bool = False, now: datetime.datetime | None = None
) -> Active:
    """Active learners per facility ``actor`` may see, as of ``active_until(period)``,
    exact or suppressed as ``report_counts_exact`` says. Reads only; three queries."""
    exact = report_counts_exact(actor, export=export)
    until = active_until(period, now=now)
    universe = list(Facility.objects.order_by("name", "pk"))
    visible = set(report_facilities(actor).values_list("pk", flat=True))

    def within(days: int) -> Q:
        since = until - datetime.timedelta(days=days)
        return (
            Q(created_at__gte=since, created_at__lt=until)
            | Q(completed_at__gte=since, completed_at__lt=until)
            | Q(time_reported_at__gte=since, time_reported_at__lt=until)
        )

    rows: Any = (
        LessonProgress.objects.filter(within(max(WINDOWS)), learner__facility__isnull=False)
        .exclude(enrolment__course_key__in=CoursePage.objects.voluntary_keys())
        .values("learner__facility")
        .annotate(
            **{f"d{days}": Count("learner", distinct=True, filter=within(days)) for days in WINDOWS}
        )
    )
    counts: dict[int, dict[str, int]] = {row["learner__facility"]: row for row in rows}
    grids = []
    for days in WINDOWS:
        values = {(i, 0): counts.get(f.pk, {}).get(f"d{days}", 0) for i, f in enumerate(universe)}
        grid = Grid(rows=list(range(len(universe))), cols=[0], values=values, row_totals=False)
        grids.append(suppress_grid(grid, exact=exact))
    shown = [(i, f) for i, f in enumerate(universe) if f.pk in visible]
    everything = len(shown) == len(universe)
    return Active(
        until=until,
        rows=[ActiveRow(f, [g.cell(i, 0) for g in grids]) for i, f in shown],
        total=[
            g.cell(TOTAL, 0) if everything else derived_sum(g.cell(i, 0) for i, _f in shown)
            for g in grids
        ],
    )
