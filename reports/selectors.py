"""Figures per facility and month, read by grouped queries in the database.

Each indicator is suppressed month by month over **every** facility
(``lms.core.suppression.Grid``: a column of facilities with the national total), and a
viewer's page or export is a slice of those same suppressed cells. So an officer's export,
a monitor's page and the national total can never be put together to give back a hidden
cell; a figure over several months or several facilities is a ``derived_sum``, shown only
when every cell in it is.

Indicators (learners of every kind; a learner counts at the facility they are at now):

- **enrolments**: enrolments made in the month;
- **completions**: course completions recorded in the month;
- **completion rate**: of the month's enrolments, the share completed by now (rule 4: over
  a denominator at or above the threshold, and only when both counts may be shown);
- **certificates issued**: certificates issued in the month (revoked since or not).

Voluntary programmes (``CoursePage.objects.voluntary_keys``) are left out of all of them.
Their one figure, enrolments per facility over the period, is never joined to any other
indicator and is suppressed for every role, exact viewers included.

Six queries, however much history there is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from certificates.models import Certificate
from courses.models import CourseCompletion, CoursePage, Enrolment
from lms.core.models import Facility, User
from lms.core.policy import people_q, report_counts_exact, report_facilities, voluntary_q
from lms.core.suppression import (
    TOTAL,
    Cell,
    Grid,
    Suppressed,
    cell_rate,
    derived_sum,
    suppress_grid,
    threshold,
)

from .periods import Period, report_tz

#: The counts read per facility and month (``enrolled_completed`` is the numerator of the
#: completion rate: of the month's enrolments, those completed).
COUNTS = ("enrolments", "completions", "enrolled_completed", "issued")


@dataclass(frozen=True)
class Figures:
    """The published figures of one cell of the report (a facility in a month, a
    facility over the period, all shown facilities in a month, or everything)."""

    enrolments: Cell
    completions: Cell
    completion_rate: float | None
    issued: Cell


@dataclass(frozen=True)
class FacilityRow:
    facility: Facility
    months: list[Figures]
    total: Figures


@dataclass(frozen=True)
class Report:
    """What a report page or export shows: ``exact`` when no count is hidden."""

    period: Period
    exact: bool
    threshold: int
    rows: list[FacilityRow]
    month_totals: list[Figures]
    total: Figures
    voluntary: list[tuple[Facility, Cell]]
    voluntary_total: Cell


def _month_of(value: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, report_tz())
        value = value.date()
    return value.replace(day=1)


def _grouped(queryset: QuerySet, field: str, **counts: Any) -> list[dict]:
    """``queryset`` counted per month of ``field`` and learner's facility."""
    return list(
        queryset.annotate(month=TruncMonth(field, tzinfo=report_tz()))
        .values("month", "learner__facility")
        .annotate(**counts)
    )


def _read_counts(period: Period) -> dict[str, dict[tuple[datetime.date, int], int]]:
    """Every count of ``period`` as ``{indicator: {(month, facility id): n}}``."""
    voluntary = CoursePage.objects.voluntary_keys()
    window = {"gte": period.start, "lt": period.end}
    out: dict[str, dict[tuple[datetime.date, int], int]] = {
        name: {} for name in (*COUNTS, "voluntary")
    }

    def add(name: str, rows: list[dict], key: str = "n") -> None:
        for row in rows:
            if row["learner__facility"] is None:
                continue
            pos = (_month_of(row["month"]), row["learner__facility"])
            out[name][pos] = out[name].get(pos, 0) + row[key]

    enrolments = _grouped(
        Enrolment.objects.filter(
            created_at__gte=window["gte"], created_at__lt=window["lt"]
        ).exclude(course_key__in=voluntary),
        "created_at",
        n=Count("id"),
        done=Count("id", filter=Q(status=Enrolment.Status.COMPLETED)),
    )
    add("enrolments", enrolments)
    add("enrolled_completed", enrolments, key="done")
    add(
        "completions",
        _grouped(
            CourseCompletion.objects.filter(
                completed_at__gte=window["gte"], completed_at__lt=window["lt"]
            ).exclude(course_key__in=voluntary),
            "completed_at",
            n=Count("id"),
        ),
    )
    add(
        "issued",
        _grouped(
            Certificate.objects.filter(
                issued_at__gte=window["gte"], issued_at__lt=window["lt"]
            ).exclude(Q(course_key__in=voluntary) | voluntary_q(with_consent_field=False)),
            "issued_at",
            n=Count("serial"),
        ),
    )
    add(
        "voluntary",
        _grouped(
            Enrolment.objects.filter(
                created_at__gte=window["gte"],
                created_at__lt=window["lt"],
                course_key__in=voluntary,
            ),
            "created_at",
            n=Count("id"),
        ),
    )
    return out


def _month_grids(
    counts: dict[tuple[datetime.date, int], int],
    *,
    period: Period,
    universe: list[Facility],
    exact: bool,
) -> list[Suppressed]:
    """One suppressed column per month: every facility, with the national total."""
    grids = []
    for month in period.month_starts:
        values = {(i, 0): counts.get((month, f.pk), 0) for i, f in enumerate(universe)}
        grid = Grid(rows=list(range(len(universe))), cols=[0], values=values, row_totals=False)
        grids.append(suppress_grid(grid, exact=exact))
    return grids


def _figures(cells: dict[str, Cell], *, exact: bool) -> Figures:
    return Figures(
        enrolments=cells["enrolments"],
        completions=cells["completions"],
        completion_rate=cell_rate(cells["enrolled_completed"], cells["enrolments"], exact=exact),
        issued=cells["issued"],
    )


@dataclass(frozen=True)
class MonthGrids:
    """Each count's suppressed column of every facility per month (``grids[name][m]``;
    facility ``i`` of ``universe`` is row ``i``), and which facilities ``shown`` are the
    viewer's. Breakdowns (``reports.breakdowns``) take their totals from these cells."""

    exact: bool
    universe: list[Facility]
    shown: list[tuple[int, Facility]]
    counts: dict[str, dict[tuple[datetime.date, int], int]]
    grids: dict[str, list[Suppressed]]


def month_grids(
    *, actor: User, period: Period, export: bool = False, only: set[int] | None = None
) -> MonthGrids:
    """The suppressed monthly grids of ``period`` for ``actor`` (``report_figures``
    explains the rule); of the facilities they may see, those in ``only`` if given (the
    grids still hold every facility). Six queries."""
    exact = report_counts_exact(actor, export=export)
    universe = list(Facility.objects.order_by("name", "pk"))
    visible_ids = set(report_facilities(actor).values_list("pk", flat=True))
    if only is not None:
        visible_ids &= only
    shown = [(i, f) for i, f in enumerate(universe) if f.pk in visible_ids]
    counts = _read_counts(period)
    grids = {
        name: _month_grids(counts[name], period=period, universe=universe, exact=exact)
        for name in COUNTS
    }
    return MonthGrids(exact=exact, universe=universe, shown=shown, counts=counts, grids=grids)


def report_figures(
    *, actor: User, period: Period, export: bool = False, only: set[int] | None = None
) -> Report:
    """The report of ``period`` for ``actor``: the facilities the policy lets them see
    (``report_facilities``; of those, the ids in ``only`` if given), exact or suppressed as
    it says (``report_counts_exact``; an export is always suppressed). Reads only; six
    queries."""
    base = month_grids(actor=actor, period=period, export=export, only=only)
    exact, universe, shown, counts, grids = (
        base.exact,
        base.universe,
        base.shown,
        base.counts,
        base.grids,
    )
    everything = len(shown) == len(universe)

    def month_total(name: str, m: int) -> Cell:
        # The national total is a published cell of the month's grid; a part of it is a
        # derived sum of the shown facilities' cells.
        if everything:
            return grids[name][m].cell(TOTAL, 0)
        return derived_sum(grids[name][m].cell(i, 0) for i, _f in shown)

    rows = []
    for i, facility in shown:
        months = [
            _figures({name: grids[name][m].cell(i, 0) for name in COUNTS}, exact=exact)
            for m in range(period.months)
        ]
        total = _figures(
            {
                name: derived_sum(grids[name][m].cell(i, 0) for m in range(period.months))
                for name in COUNTS
            },
            exact=exact,
        )
        rows.append(FacilityRow(facility=facility, months=months, total=total))
    month_totals = [
        _figures({name: month_total(name, m) for name in COUNTS}, exact=exact)
        for m in range(period.months)
    ]
    total = _figures(
        {name: derived_sum(month_total(name, m) for m in range(period.months)) for name in COUNTS},
        exact=exact,
    )
    # Voluntary programmes: suppressed whoever asks (exact=False), never joined.
    voluntary_grids = _month_grids(
        counts["voluntary"], period=period, universe=universe, exact=False
    )
    voluntary = [(f, derived_sum(g.cell(i, 0) for g in voluntary_grids)) for i, f in shown]
    if everything:
        voluntary_total = derived_sum(g.cell(TOTAL, 0) for g in voluntary_grids)
    else:
        voluntary_total = derived_sum(cell for _f, cell in voluntary)
    return Report(
        period=period,
        exact=exact,
        threshold=threshold(),
        rows=rows,
        month_totals=month_totals,
        total=total,
        voluntary=voluntary,
        voluntary_total=voluntary_total,
    )


# --- The people behind a figure (officers for their facilities, administrators) ---------

#: The figures whose people may be opened, and what the date beside each person means.
PEOPLE_FIGURES = ("enrolments", "completions", "issued")


@dataclass(frozen=True)
class PersonRow:
    """One record behind a figure: whose, which course, when (enrolled, completed or
    issued)."""

    person: User
    course_title: str
    at: datetime.datetime | None


def report_people(
    *,
    actor: User,
    facility: Facility,
    figure: str,
    period: Period,
    course_key: Any = None,
) -> list[PersonRow]:
    """The records behind ``figure`` (``PEOPLE_FIGURES``) of ``facility`` in ``period``
    (of one course when ``course_key`` is given): the same records the figure counts, so
    learners at ``facility`` now, never a voluntary programme's, and only people ``actor``
    may see (``people_q``: nobody for monitors). Whether ``actor`` may ask at all, and the
    audit row of the look, are the view's and the service's
    (``lms.core.policy.may_open_report_people``, ``reports.services.report_people_open``).
    One query, however many records there are; reads only."""
    voluntary = CoursePage.objects.voluntary_keys()
    scope = Q(learner__facility=facility) & people_q(actor, via="learner__")
    if course_key is not None:
        scope &= Q(course_key=course_key)
    related = ("learner", "learner__unit", "course")
    if figure == "enrolments":
        records: QuerySet = (
            Enrolment.objects.filter(scope, created_at__gte=period.start, created_at__lt=period.end)
            .exclude(course_key__in=voluntary)
            .select_related(*related)
        )
        rows = [PersonRow(r.learner, _title(r.course), r.created_at) for r in records]
    elif figure == "completions":
        records = (
            CourseCompletion.objects.filter(
                scope, completed_at__gte=period.start, completed_at__lt=period.end
            )
            .exclude(course_key__in=voluntary)
            .select_related(*related)
        )
        rows = [PersonRow(r.learner, _title(r.course), r.completed_at) for r in records]
    elif figure == "issued":
        records = (
            Certificate.objects.filter(scope, issued_at__gte=period.start, issued_at__lt=period.end)
            .exclude(Q(course_key__in=voluntary) | voluntary_q(with_consent_field=False))
            .select_related("learner", "learner__unit")
        )
        rows = [PersonRow(r.learner, r.course_title, r.issued_at) for r in records]
    else:
        return []
    return sorted(
        rows,
        key=lambda r: (
            r.person.last_name.casefold(),
            r.person.first_name.casefold(),
            r.person.get_username(),
            r.at or period.start,
        ),
    )


def _title(course: CoursePage | None) -> str:
    return course.title if course is not None else "—"
