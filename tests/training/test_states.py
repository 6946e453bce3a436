"""Every state a cycle can be in, from the inputs that decide it (``rules.cycle_state``),
and the request decisions that are refused once made (``TrainingRequest.TRANSITIONS``)."""

from __future__ import annotations

import datetime

import pytest

from training.models import Assignment, TrainingRequest
from training.rules import DUE_SOON_DAYS, cycle_state

S = Assignment.State
TODAY = datetime.date(2026, 6, 15)
FAR = TODAY + datetime.timedelta(days=DUE_SOON_DAYS + 10)
SOON = TODAY + datetime.timedelta(days=DUE_SOON_DAYS)
PAST = TODAY - datetime.timedelta(days=1)
LATER = TODAY + datetime.timedelta(days=100)

BASE = {
    "today": TODAY,
    "deadline": FAR,
    "paused_today": False,
    "completed": False,
    "valid_until": None,
    "carried_valid_until": None,
    "exempt": False,
    "started": False,
}

CASES = [
    ("nothing done, far off", {}, S.NOT_STARTED),
    ("started, far off", {"started": True}, S.IN_PROGRESS),
    ("due within the warning days", {"deadline": SOON}, S.DUE_SOON),
    ("due today", {"deadline": TODAY}, S.DUE_SOON),
    ("past the deadline, never done", {"deadline": PAST}, S.OVERDUE),
    ("past the deadline but started", {"deadline": PAST, "started": True}, S.OVERDUE),
    (
        "paused past the deadline is never overdue",
        {"deadline": PAST, "paused_today": True},
        S.PAUSED,
    ),
    ("completed for good", {"completed": True, "deadline": PAST}, S.COMPLETED),
    ("completed, still valid", {"completed": True, "valid_until": LATER}, S.COMPLETED),
    ("completed, valid to today", {"completed": True, "valid_until": TODAY}, S.COMPLETED),
    (
        "completed, lapsed, past deadline",
        {"completed": True, "valid_until": PAST, "deadline": PAST},
        S.EXPIRED,
    ),
    ("window open, last completion holds", {"carried_valid_until": LATER}, S.COMPLETED),
    ("lapsed, inside grace", {"carried_valid_until": PAST, "deadline": SOON}, S.DUE_SOON),
    ("lapsed, grace over", {"carried_valid_until": PAST, "deadline": PAST}, S.EXPIRED),
    (
        "lapsed, paused",
        {"carried_valid_until": PAST, "deadline": PAST, "paused_today": True},
        S.PAUSED,
    ),
    ("exempt beats overdue", {"exempt": True, "deadline": PAST}, S.EXEMPT),
    ("exempt beats paused", {"exempt": True, "paused_today": True}, S.EXEMPT),
]


@pytest.mark.parametrize(("label", "changes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_state_follows_from_its_inputs(label, changes, expected):
    assert cycle_state(**{**BASE, **changes}) == expected


def test_the_table_reaches_every_live_state():
    reached = {expected for _label, _changes, expected in CASES}
    assert reached == set(S) - {S.ENDED}


Status = TrainingRequest.Status


@pytest.mark.parametrize("start", list(Status))
@pytest.mark.parametrize("end", list(Status))
def test_a_request_is_decided_once_and_never_back(start, end):
    allowed = start == Status.PENDING and end in (Status.GRANTED, Status.REFUSED)
    assert (end in TrainingRequest.TRANSITIONS[start]) is allowed
