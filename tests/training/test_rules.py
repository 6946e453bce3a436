"""The arithmetic of deadlines: paused days, overlaps, renewals, and each state."""

from __future__ import annotations

import datetime

from training.models import Assignment, add_months
from training.rules import Span, cycle_state, paused_deadline

D = datetime.date
State = Assignment.State


def test_a_pause_inside_the_cycle_moves_the_deadline_by_its_days():
    deadline, paused = paused_deadline(
        opened_on=D(2026, 1, 1),
        due_on=D(2026, 1, 31),
        pauses=[Span(D(2026, 1, 10), D(2026, 1, 19))],
        today=D(2026, 2, 1),
    )
    assert (deadline, paused) == (D(2026, 2, 10), 10)


def test_overlapping_pauses_count_each_day_once():
    deadline, paused = paused_deadline(
        opened_on=D(2026, 1, 1),
        due_on=D(2026, 1, 31),
        pauses=[Span(D(2026, 1, 10), D(2026, 1, 19)), Span(D(2026, 1, 15), D(2026, 1, 24))],
        today=D(2026, 3, 1),
    )
    assert paused == 15
    assert deadline == D(2026, 2, 15)


def test_a_pause_that_starts_in_the_added_days_moves_the_deadline_again():
    deadline, paused = paused_deadline(
        opened_on=D(2026, 1, 1),
        due_on=D(2026, 1, 31),
        pauses=[Span(D(2026, 1, 21), D(2026, 1, 30)), Span(D(2026, 2, 5), D(2026, 2, 9))],
        today=D(2026, 3, 1),
    )
    assert (deadline, paused) == (D(2026, 2, 15), 15)


def test_a_pause_before_the_cycle_opened_does_not_count():
    """A pause across a renewal window counts only from the day the window opened."""
    deadline, paused = paused_deadline(
        opened_on=D(2026, 3, 1),
        due_on=D(2026, 4, 30),
        pauses=[Span(D(2026, 2, 20), D(2026, 3, 5))],
        today=D(2026, 3, 10),
    )
    assert (deadline, paused) == (D(2026, 5, 5), 5)


def test_an_open_pause_counts_only_up_to_today():
    deadline, paused = paused_deadline(
        opened_on=D(2026, 1, 1),
        due_on=D(2026, 1, 31),
        pauses=[Span(D(2026, 1, 20), None)],
        today=D(2026, 1, 24),
    )
    assert (deadline, paused) == (D(2026, 2, 5), 5)


def test_a_pause_that_has_not_started_moves_nothing():
    _, paused = paused_deadline(
        opened_on=D(2026, 1, 1),
        due_on=D(2026, 1, 31),
        pauses=[Span(D(2026, 1, 20), D(2026, 1, 25))],
        today=D(2026, 1, 10),
    )
    assert paused == 0


def state(**overrides):
    values = {
        "today": D(2026, 6, 1),
        "deadline": D(2026, 7, 1),
        "paused_today": False,
        "completed": False,
        "valid_until": None,
        "carried_valid_until": None,
        "exempt": False,
        "started": False,
    }
    values.update(overrides)
    return cycle_state(**values)


def test_each_state_is_reached_from_its_facts():
    assert state() == State.NOT_STARTED
    assert state(started=True) == State.IN_PROGRESS
    assert state(deadline=D(2026, 6, 10)) == State.DUE_SOON
    assert state(deadline=D(2026, 5, 31)) == State.OVERDUE
    assert state(completed=True) == State.COMPLETED
    assert state(completed=True, valid_until=D(2026, 5, 1), deadline=D(2026, 5, 2)) == State.EXPIRED
    assert state(exempt=True, deadline=D(2026, 5, 1)) == State.EXEMPT
    assert state(paused_today=True, deadline=D(2026, 5, 1)) == State.PAUSED


def test_a_paused_person_is_never_shown_overdue():
    assert state(paused_today=True, deadline=D(2020, 1, 1)) == State.PAUSED


def test_an_open_renewal_window_keeps_the_last_completion_valid_then_grace_then_expired():
    carried = D(2026, 6, 30)
    assert state(carried_valid_until=carried, deadline=D(2026, 7, 14)) == State.COMPLETED
    in_grace = state(today=D(2026, 7, 5), carried_valid_until=carried, deadline=D(2026, 7, 14))
    assert in_grace == State.DUE_SOON
    late = state(today=D(2026, 7, 15), carried_valid_until=carried, deadline=D(2026, 7, 14))
    assert late == State.EXPIRED


def test_months_are_added_on_the_calendar():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 11, 15), 14) == D(2028, 1, 15)
