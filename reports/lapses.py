"""Certificates that stopped counting: revoked, and expired (their validity ended), per
facility and month.

Counted per month of the revocation or of the last valid day, and suppressed month by
month as a column of every facility with the national total, as the overview's counts
are (``reports.selectors``); a facility's period and a part of the national total are
``derived_sum``s. Only validity that has ended by today counts as expired. Voluntary
programmes are left out.

Four queries, however much history there is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from certificates.models import Certificate
from courses.models import CoursePage
from lms.core.models import Facility, User
from lms.core.policy import report_counts_exact, report_facilities, voluntary_q
from lms.core.suppression import TOTAL, Cell, derived_sum

from .periods import Period, report_tz
from .selectors import _month_grids, _month_of

KINDS = ("revoked", "expired")


@dataclass(frozen=True)
class LapseRow:
    facility: Facility
    revoked: Cell
    expired: Cell


@dataclass(frozen=True)
class Lapses:
    rows: list[LapseRow]
    revoked: Cell
    expired: Cell


def certificate_lapses(
    *, actor: User, period: Period, export: bool = False, today: datetime.date | None = None
) -> Lapses:
    """Certificates revoked and expired in ``period`` at the facilities ``actor`` may see,
    exact or suppressed as ``report_counts_exact`` says. Reads only; four queries."""
    exact = report_counts_exact(actor, export=export)
    today = today or timezone.localdate(timezone.now(), report_tz())
    universe = list(Facility.objects.order_by("name", "pk"))
    visible = set(report_facilities(actor).values_list("pk", flat=True))
    certificates = Certificate.objects.exclude(
        Q(course_key__in=CoursePage.objects.voluntary_keys())
        | voluntary_q(with_consent_field=False)
    ).filter(learner__facility__isnull=False)
    queries = {
        "revoked": certificates.filter(
            status=Certificate.Status.REVOKED,
            revoked_at__gte=period.start,
            revoked_at__lt=period.end,
        ).annotate(month=TruncMonth("revoked_at", tzinfo=report_tz())),
        "expired": certificates.filter(
            status=Certificate.Status.ISSUED,
            expires_on__gte=period.first,
            expires_on__lt=min(period.end.date(), today),
        ).annotate(month=TruncMonth("expires_on")),
    }
    grids = {}
    for kind, queryset in queries.items():
        counts: dict[tuple[datetime.date, int], int] = {}
        for row in queryset.values("month", "learner__facility").annotate(n=Count("serial")):
            pos = (_month_of(row["month"]), row["learner__facility"])
            counts[pos] = counts.get(pos, 0) + row["n"]
        grids[kind] = _month_grids(counts, period=period, universe=universe, exact=exact)
    shown = [(i, f) for i, f in enumerate(universe) if f.pk in visible]
    everything = len(shown) == len(universe)

    def facility(kind: str, i: int) -> Cell:
        return derived_sum(grid.cell(i, 0) for grid in grids[kind])

    def total(kind: str) -> Cell:
        if everything:
            return derived_sum(grid.cell(TOTAL, 0) for grid in grids[kind])
        return derived_sum(facility(kind, i) for i, _f in shown)

    return Lapses(
        rows=[LapseRow(f, facility("revoked", i), facility("expired", i)) for i, f in shown],
        revoked=total("revoked"),
        expired=total("expired"),
    )
