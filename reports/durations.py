"""Median days to complete: of the courses completed in the period, the days from the
enrolment to the completion (each a date in the site's time zone), per facility and over
the facilities shown.

A median is published only over at least the suppression threshold of completions (as a
rate only over a denominator at the threshold, ``lms.core.suppression``): a median of
one or two completions is a person's own pace. The count behind it is not shown here (the
overview's own completions cells are). Voluntary programmes are left out.

One query (two with the facilities), however much history there is.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from courses.models import CourseCompletion, CoursePage
from lms.core.models import Facility, User
from lms.core.policy import report_facilities
from lms.core.suppression import threshold

from .periods import Period, report_tz


@dataclass(frozen=True)
class MedianRow:
    facility: Facility
    days: float | None  # None: fewer completions than the threshold


@dataclass(frozen=True)
class Durations:
    rows: list[MedianRow]
    total: float | None


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if len(values) >= threshold() else None


def median_days_to_complete(*, actor: User, period: Period) -> Durations:
    """Median days from enrolment to completion per facility ``actor`` may see, over the
    completions of ``period``. Reads only; two queries."""
    facilities = list(report_facilities(actor).order_by("name", "pk"))
    ids = {f.pk for f in facilities}
    zone = report_tz()
    days: dict[int, list[int]] = defaultdict(list)
    for facility_id, completed_at, enrolled_at in (
        CourseCompletion.objects.filter(
            completed_at__gte=period.start,
            completed_at__lt=period.end,
            learner__facility__in=ids,
        )
        .exclude(course_key__in=CoursePage.objects.voluntary_keys())
        .values_list("learner__facility", "completed_at", "enrolment__created_at")
    ):
        if enrolled_at is None:
            continue
        span = timezone.localtime(completed_at, zone).date() - (
            timezone.localtime(enrolled_at, zone).date()
        )
        days[facility_id].append(max(span.days, 0))
    every = [value for values in days.values() for value in values]
    return Durations(
        rows=[MedianRow(facility=f, days=_median(days.get(f.pk, []))) for f in facilities],
        total=_median(every),
    )
