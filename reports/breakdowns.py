"""Figures of each facility broken down by unit, programme type or course, per month.

A breakdown splits a facility's count of a month (a cell of the facilities' grid,
``reports.selectors.month_grids``) into its parts. Each facility's month is its own
table: the parts, with the facility's cell as their total, suppressed as every grid is
(``lms.core.suppression``): small parts hidden, and a second part hidden so that the
total minus the shown parts gives none back. The total is hidden exactly where the
facilities' grid hides it (``already_hidden``), so no page or export can subtract one
table from the other. Parts over several months or several facilities (a course across
the country) are ``derived_sum``s: shown only when every cell in them is.

Units belong to one facility, so units are broken down per facility only. Voluntary
programmes are left out, as from every joined figure: their one figure stays on the
overview, never split by unit, type or course.

At most ten queries, however much history there is.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from certificates.models import Certificate
from courses.models import CourseCompletion, CoursePage, Enrolment
from lms.core.models import Facility, Unit, User
from lms.core.policy import ProgrammeType, voluntary_q
from lms.core.suppression import TOTAL, Cell, Grid, derived_sum, suppress_grid, threshold

from .periods import Period, report_tz
from .selectors import COUNTS, Figures, _figures, _month_of, month_grids

#: What figures may be broken down by, and the field that says it on each kind of record
#: (enrolments and completions, certificates).
BY = {
    "unit": ("learner__unit", "learner__unit"),
    "programme_type": ("course__programme_type", "programme_type"),
    "course": ("course_key", "course_key"),
}


@dataclass(frozen=True)
class Part:
    """One part of a breakdown (a unit, a programme type, a course): its figures in each
    month and over the period. ``key`` is the unit's id, the type's value or the course's
    translation key (None: not known)."""

    key: Any
    label: str
    months: list[Figures]
    total: Figures


@dataclass(frozen=True)
class FacilityParts:
    facility: Facility
    parts: list[Part]


@dataclass(frozen=True)
class Breakdown:
    """A breakdown of the facilities the viewer may see (``facilities``) and, except by
    unit, of them together (``together``: derived sums)."""

    by: str
    period: Period
    exact: bool
    threshold: int
    facilities: list[FacilityParts]
    together: list[Part]


def _grouped(queryset: QuerySet, field: str, parts: tuple[str, ...], **counts: Any) -> list[dict]:
    return list(
        queryset.annotate(month=TruncMonth(field, tzinfo=report_tz()))
        .values("month", "learner__facility", *parts)
        .annotate(**counts)
    )


def _read_parts(period: Period, by: str) -> dict[str, dict[tuple[datetime.date, int, Any], int]]:
    """Every count of ``period`` as ``{indicator: {(month, facility id, part): n}}``, from
    the same records as the facilities' grid (``selectors._read_counts``). By programme
    type or course the part is the pair ``(programme type, course key)``: courses nest in
    types and both are suppressed together (``_nested_cells``). Three queries."""
    voluntary = CoursePage.objects.voluntary_keys()
    if by == "unit":
        learning_parts: tuple[str, ...] = ("learner__unit",)
        certificate_parts: tuple[str, ...] = ("learner__unit",)
    else:
        learning_parts = ("course__programme_type", "course_key")
        certificate_parts = ("programme_type", "course_key")
    out: dict[str, dict[tuple[datetime.date, int, Any], int]] = {name: {} for name in COUNTS}

    def add(name: str, rows: list[dict], parts: tuple[str, ...], key: str = "n") -> None:
        for row in rows:
            if row["learner__facility"] is None:
                continue
            values = tuple(row[part] or None for part in parts)
            part = values[0] if len(values) == 1 else values
            pos = (_month_of(row["month"]), row["learner__facility"], part)
            out[name][pos] = out[name].get(pos, 0) + row[key]

    enrolments = _grouped(
        Enrolment.objects.filter(created_at__gte=period.start, created_at__lt=period.end).exclude(
            course_key__in=voluntary
        ),
        "created_at",
        learning_parts,
        n=Count("id"),
        done=Count("id", filter=Q(status=Enrolment.Status.COMPLETED)),
    )
    add("enrolments", enrolments, learning_parts)
    add("enrolled_completed", enrolments, learning_parts, key="done")
    add(
        "completions",
        _grouped(
            CourseCompletion.objects.filter(
                completed_at__gte=period.start, completed_at__lt=period.end
            ).exclude(course_key__in=voluntary),
            "completed_at",
            learning_parts,
            n=Count("id"),
        ),
        learning_parts,
    )
    add(
        "issued",
        _grouped(
            Certificate.objects.filter(
                issued_at__gte=period.start, issued_at__lt=period.end
            ).exclude(Q(course_key__in=voluntary) | voluntary_q(with_consent_field=False)),
            "issued_at",
            certificate_parts,
            n=Count("serial"),
        ),
        certificate_parts,
    )
    return out


def _nested_cells(
    pairs: list[tuple[Any, Any]],
    values: dict[tuple[Any, Any], int],
    *,
    by: str,
    keys: list[Any],
    exact: bool,
    total_hidden: bool,
) -> list[Cell]:
    """One facility's month of one count split by ``by`` (programme type or course),
    suppressed as one table of courses nested in types: rows the (type, course) pairs,
    columns the types, each course's row total, each type's column total, the facility's
    cell as the overall total (hidden where the overview hides it). Suppressing the two
    breakdowns apart would let them give each other back: a type's count less its shown
    courses is its hidden course. Returns the cells of ``keys`` (types or courses)."""
    types = sorted({t for t, _c in pairs}, key=lambda t: (t is None, str(t)))
    col = {t: j for j, t in enumerate(types)}
    grid = Grid(
        rows=list(range(len(pairs))),
        cols=list(range(len(types))),
        values={(r, col[pair[0]]): values.get(pair, 0) for r, pair in enumerate(pairs)},
    )
    hidden = [(TOTAL, TOTAL)] if total_hidden else []
    result = suppress_grid(grid, exact=exact, already_hidden=hidden)
    if by == "programme_type":
        return [result.cell(TOTAL, col[key]) if key in col else Cell(0) for key in keys]
    # A course under two types (a certificate's type kept from before the course moved)
    # is the sum of its rows' cells: shown only when each is.
    return [
        derived_sum(result.cell(r, TOTAL) for r, (_t, c) in enumerate(pairs) if c == key)
        for key in keys
    ]


def _labels(by: str, keys: set[Any]) -> dict[Any, str]:
    """What each part is called (one query for units and courses)."""
    labels: dict[Any, str] = {None: _("Not known") if by != "unit" else _("No unit")}
    if by == "unit":
        labels.update(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif by == "programme_type":
        labels.update({value: str(label) for value, label in ProgrammeType.choices})
    else:
        language = get_language() or ""
        for key, title, code in CoursePage.objects.filter(translation_key__in=keys).values_list(
            "translation_key", "title", "locale__language_code"
        ):
            if key not in labels or code == language:
                labels[key] = title
    return labels


def report_breakdown(*, actor: User, period: Period, by: str, export: bool = False) -> Breakdown:
    """The figures of ``period`` broken down ``by`` (``BY``) for ``actor``: the facilities
    and exactness of the overview (``reports.selectors.month_grids``), each facility's
    month suppressed with the overview's cell as its total. Reads only; at most ten queries."""
    if by not in BY:
        raise ValueError(by)
    base = month_grids(actor=actor, period=period, export=export)
    counts = _read_parts(period, by)
    shown_ids = {f.pk for _i, f in base.shown}
    keys_of: dict[int, set[Any]] = defaultdict(set)
    pairs_of: dict[int, set[tuple[Any, Any]]] = defaultdict(set)
    for name in COUNTS:
        for _month, facility_id, key in counts[name]:
            if facility_id in shown_ids:
                if by == "unit":
                    keys_of[facility_id].add(key)
                else:
                    pairs_of[facility_id].add(key)
                    keys_of[facility_id].add(key[0] if by == "programme_type" else key[1])
    labels = _labels(by, {k for keys in keys_of.values() for k in keys if k is not None})

    def order(key: Any) -> tuple[bool, str]:
        return (key is None, labels.get(key, str(key)).casefold())

    months = period.month_starts
    facilities: list[FacilityParts] = []
    cells_of: dict[Any, list[list[dict[str, Cell]]]] = defaultdict(list)
    for i, facility in base.shown:
        keys = sorted(keys_of.get(facility.pk, set()), key=order)
        pairs = sorted(pairs_of.get(facility.pk, set()), key=lambda p: (str(p[0]), str(p[1])))
        # cells[m][name][k]: part k of the facility's count ``name`` in month m
        cells: list[dict[str, list[Cell]]] = []
        for m, month in enumerate(months):
            month_cells: dict[str, list[Cell]] = {}
            for name in COUNTS:
                overview = base.grids[name][m]
                if by != "unit":
                    month_cells[name] = _nested_cells(
                        pairs,
                        {pair: counts[name].get((month, facility.pk, pair), 0) for pair in pairs},
                        by=by,
                        keys=keys,
                        exact=base.exact,
                        total_hidden=overview.cell(i, 0).suppressed,
                    )
                    continue
                grid = Grid(
                    rows=list(range(len(keys))),
                    cols=[0],
                    values={
                        (k, 0): counts[name].get((month, facility.pk, key), 0)
                        for k, key in enumerate(keys)
                    },
                    row_totals=False,
                )
                hidden = [(TOTAL, 0)] if overview.cell(i, 0).suppressed else []
                result = suppress_grid(grid, exact=base.exact, already_hidden=hidden)
                month_cells[name] = [result.cell(k, 0) for k in range(len(keys))]
            cells.append(month_cells)
        parts = []
        for k, key in enumerate(keys):
            by_month = [{name: cells[m][name][k] for name in COUNTS} for m in range(len(months))]
            cells_of[key].append(by_month)
            parts.append(_part(key, labels, by_month, exact=base.exact))
        facilities.append(FacilityParts(facility=facility, parts=parts))
    together = []
    if by != "unit":
        for key in sorted(cells_of, key=order):
            # Facilities without this part hold a published zero: nothing to hide.
            by_month = [
                {name: derived_sum(one[m][name] for one in cells_of[key]) for name in COUNTS}
                for m in range(len(months))
            ]
            together.append(_part(key, labels, by_month, exact=base.exact))
    return Breakdown(
        by=by,
        period=period,
        exact=base.exact,
        threshold=threshold(),
        facilities=facilities,
        together=together,
    )


def _part(
    key: Any, labels: dict[Any, str], by_month: list[dict[str, Cell]], *, exact: bool
) -> Part:
    total = {name: derived_sum(cells[name] for cells in by_month) for name in COUNTS}
    return Part(
        key=key,
        label=labels.get(key, str(key)),
        months=[_figures(cells, exact=exact) for cells in by_month],
        total=_figures(total, exact=exact),
    )
