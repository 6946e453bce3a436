"""The arithmetic of deadlines: paused days and the state of one cycle. Pure functions of
dates (no database), so the engine, the screens and the tests share one rule.

- Paused days: the days of the union of the person's pauses that fall between the
  cycle's opening and its deadline; the deadline moves by them, and a pause that starts
  inside the moved stretch moves it again (counted once, however pauses overlap).
  Pauses before the cycle opened do not count: a pause across a renewal window shifts
  only the new cycle, and only by its days after the window opened.
- State: exempt beats everything; then completed (still valid); then paused (a paused
  person is never shown overdue); then overdue / expired past the deadline; then due soon;
  then in progress or not started.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Assignment

#: How close a deadline is before a cycle shows "due soon" (and the reminder goes).
DUE_SOON_DAYS = 14

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    """An inclusive stretch of days; ``end`` None means still going."""

    start: datetime.date
    end: datetime.date | None


def merged(
    spans: Iterable[Span], *, until: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """The union of ``spans`` as sorted, non-overlapping inclusive ranges; open spans end
    at ``until``."""
    ranges = sorted(
        (span.start, min(span.end or until, until)) for span in spans if span.start <= until
    )
    out: list[tuple[datetime.date, datetime.date]] = []
    for start, end in ranges:
        if end < start:
            continue
        if out and start <= out[-1][1] + DAY:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def days_within(
    ranges: list[tuple[datetime.date, datetime.date]], start: datetime.date, end: datetime.date
) -> int:
    """How many days of ``ranges`` fall in ``start..end`` (inclusive)."""
    total = 0
    for a, b in ranges:
        lo, hi = max(a, start), min(b, end)
        if lo <= hi:
            total += (hi - lo).days + 1
    return total


def paused_deadline(
    *,
    opened_on: datetime.date,
    due_on: datetime.date,
    pauses: Iterable[Span],
    today: datetime.date,
) -> tuple[datetime.date, int]:
    """The deadline moved by the paused days, and how many they are. Only pause days
    that have begun by ``today`` count (an open pause counts up to today), so the
    deadline never moves for a pause that has not started."""
    ranges = merged(pauses, until=max(today, opened_on))
    deadline, paused = due_on, 0
    for _ in range(1000):  # each round only adds days; stops when nothing new is covered
        count = days_within(ranges, opened_on, deadline)
        if count == paused:
            break
        paused = count
        deadline = due_on + datetime.timedelta(days=paused)
    return deadline, paused


def is_paused(pauses: Iterable[Span], today: datetime.date) -> bool:
    return any(span.start <= today and (span.end is None or today <= span.end) for span in pauses)


def cycle_state(
    *,
    today: datetime.date,
    deadline: datetime.date,
    paused_today: bool,
    completed: bool,
    valid_until: datetime.date | None,
    carried_valid_until: datetime.date | None,
    exempt: bool,
    started: bool,
) -> str:
    """The state of one current cycle (``Assignment.State``)."""
    State = Assignment.State
    if exempt:
        return State.EXEMPT
    if completed and (valid_until is None or today <= valid_until):
        return State.COMPLETED
    if carried_valid_until is not None and today <= carried_valid_until:
        return State.COMPLETED  # renewal window open; the last completion still holds
    if paused_today:
        return State.PAUSED
    if carried_valid_until is not None and today <= deadline:
        return State.DUE_SOON  # expired, but inside the grace period
    if today > deadline:
        return State.EXPIRED if (completed or carried_valid_until) else State.OVERDUE
    if (deadline - today).days <= DUE_SOON_DAYS:
        return State.DUE_SOON
    return State.IN_PROGRESS if started else State.NOT_STARTED
