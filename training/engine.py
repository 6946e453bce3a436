"""The assignment engine: for each person and each requirement in force, make the current
cycle what the rules say it is. Idempotent (a second run with nothing changed writes
nothing) and safe to run twice at once (the unique constraints on ``Assignment`` and
``Reminder`` turn a second insert into a no-op; both runs compute the same values).

Who is subject: ``Requirement`` says (positions, roles, everyone on the staff, facilities,
units, exceptions) and the policy core's ``audience_allows`` has the last word. What
moves a deadline: ``training.rules``. Dates are the facility's (``Facility.tzinfo``).

People are read in chunks by primary key, each chunk with a fixed number of queries (the
people, their current cycles, their last cycle numbers, completions, active enrolments,
acknowledgements, pauses, enrolment target dates; then one update, one insert, the moved
target dates and the reminders), so memory and
queries grow with the chunk size, never with the number of people.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from courses.models import CourseCompletion, Enrolment
from courses.services import enrolments_move_due
from guidelines.models import GuidelineAcknowledgement
from lms.core.models import Facility, User
from lms.core.policy import audience_allows

from . import rules
from .models import Assignment, Pause, Reminder, Requirement, add_months

CHUNK = 500
#: Rows per UPDATE / INSERT statement: a chunk's writes take ceil(rows / WRITE_BATCH).
WRITE_BATCH = 2000

UPDATED_FIELDS = [
    "facility",
    "due_on",
    "effective_due_on",
    "paused_days",
    "completed_at",
    "valid_until",
    "state",
    "ended_on",
    "evaluated_at",
]


@dataclass
class Outcome:
    """What one evaluation did."""

    people: int = 0
    created: int = 0
    updated: int = 0
    ended: int = 0
    chunks: int = 0
    reminders: int = 0
    targets: int = 0  # enrolment target dates moved (or moved back)

    def add(self, other: Outcome) -> None:
        for name in ("people", "created", "updated", "ended", "chunks", "reminders", "targets"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Rule:
    """A requirement read once per evaluation, with its lists as sets."""

    requirement: Requirement
    positions: set[int]
    roles: set[str]
    facilities: set[int]
    units: set[int]
    exceptions: set[int]
    audience: str
    keys: list[Any] = field(default_factory=list)
    guideline_key: Any = None
    guideline_major: int | None = None

    def applies_to(self, person: User, position_id: int | None) -> bool:
        if person.pk in self.exceptions or not audience_allows(person, self.audience):
            return False
        requirement = self.requirement
        if not (
            (requirement.all_staff and person.is_staff_member)
            or (position_id is not None and position_id in self.positions)
            or person.role in self.roles
        ):
            return False
        if self.facilities and person.facility_id not in self.facilities:
            return False
        return not (self.units and person.unit_id not in self.units)


def load_rules(requirements: Iterable[Requirement] | None = None) -> list[_Rule]:
    """The requirements in force, read with a fixed number of queries."""
    queryset = (
        Requirement.objects.filter(is_active=True)
        .select_related("course", "refresher_course", "guideline")
        .prefetch_related("positions", "facilities", "units", "exceptions")
    )
    if requirements is not None:
        queryset = queryset.filter(pk__in=[r.pk for r in requirements])
    loaded = []
    for requirement in queryset:
        if requirement.kind == Requirement.Kind.COURSE:
            audience = requirement.course.audience
        else:
            audience = requirement.guideline.audience
        loaded.append(
            _Rule(
                requirement=requirement,
                positions={p.pk for p in requirement.positions.all()},
                roles=set(requirement.roles or []),
                facilities={f.pk for f in requirement.facilities.all()},
                units={u.pk for u in requirement.units.all()},
                exceptions={u.pk for u in requirement.exceptions.all()},
                audience=str(audience),
                keys=requirement.course_keys,
                guideline_key=(
                    requirement.guideline.translation_key if requirement.guideline else None
                ),
                guideline_major=(
                    requirement.guideline.major_version if requirement.guideline else None
                ),
            )
        )
    return loaded


class _Today:
    """Today's date in each facility's time zone, computed once per facility."""

    def __init__(self, now: datetime.datetime | None) -> None:
        self.now = now or timezone.now()
        self.zones = {f.pk: f.tzinfo for f in Facility.objects.only("pk", "time_zone")}
        self.cache: dict[int | None, datetime.date] = {}

    def __call__(self, facility_id: int | None) -> datetime.date:
        if facility_id not in self.cache:
            zone = self.zones.get(facility_id) if facility_id else None
            self.cache[facility_id] = timezone.localdate(self.now, zone or _default_zone())
        return self.cache[facility_id]

    def local_date(self, moment: datetime.datetime, facility_id: int | None) -> datetime.date:
        zone = self.zones.get(facility_id) if facility_id else None
        return timezone.localtime(moment, zone or _default_zone()).date()


def _default_zone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)


def people_to_evaluate() -> Any:
    """Everyone who can be required to train: active people with a learner role."""
    return User.objects.filter(is_active=True, role__in=User.LEARNER_ROLES)


def evaluate(
    *,
    people: Any = None,
    requirements: Iterable[Requirement] | None = None,
    now: datetime.datetime | None = None,
    chunk: int = CHUNK,
) -> Outcome:
    """Evaluate ``requirements`` (default: all in force) for ``people`` (a queryset of
    users; default: everyone who can be required to train), chunk by chunk. Ends the
    current cycles of requirements no longer in force when evaluating them all.
    Idempotent."""
    rule_list = load_rules(requirements)
    today = _Today(now)
    outcome = Outcome()
    if requirements is None:
        outcome.ended += _end_retired(today)
    lockdowns = [
        (p.facility_id, p.unit_id, rules.Span(p.starts_on, p.ends_on))
        for p in Pause.objects.filter(kind=Pause.Kind.LOCKDOWN)
    ]
    base = (people if people is not None else people_to_evaluate()).order_by("pk")
    last_pk = 0
    while True:
        batch = list(base.filter(pk__gt=last_pk).select_related("staff_record")[:chunk])
        if not batch:
            break
        last_pk = batch[-1].pk
        outcome.add(_evaluate_chunk(batch, rule_list, today, lockdowns))
    return outcome


def _end_retired(today: _Today) -> int:
    """End the current cycles of requirements taken out of force (kept as history)."""
    with transaction.atomic():
        return Assignment.objects.filter(
            requirement__is_active=False, ended_on__isnull=True
        ).update(ended_on=today(None), state=Assignment.State.ENDED, evaluated_at=today.now)


def _evaluate_chunk(
    batch: list[User], rule_list: list[_Rule], today: _Today, lockdowns: list
) -> Outcome:
    outcome = Outcome(people=len(batch), chunks=1)
    ids = [p.pk for p in batch]
    requirement_ids = [r.requirement.pk for r in rule_list]
    course_keys = {key for r in rule_list for key in r.keys}
    guideline_keys = {r.guideline_key for r in rule_list if r.guideline_key}

    current = {
        (a.person_id, a.requirement_id): a
        for a in Assignment.objects.filter(
            person_id__in=ids, requirement_id__in=requirement_ids, ended_on__isnull=True
        )
    }
    last_cycles = {
        (row["person_id"], row["requirement_id"]): row["last"]
        for row in Assignment.objects.filter(person_id__in=ids, requirement_id__in=requirement_ids)
        .values("person_id", "requirement_id")
        .annotate(last=Max("cycle"))
    }
    completions: dict[tuple[int, Any], datetime.datetime] = {}
    for learner_id, key, at in CourseCompletion.objects.filter(
        learner_id__in=ids, course_key__in=course_keys
    ).values_list("learner_id", "course_key", "completed_at"):
        completions[(learner_id, key)] = max(at, completions.get((learner_id, key), at))
    started = set(
        Enrolment.objects.filter(
            learner_id__in=ids, course_key__in=course_keys, status=Enrolment.Status.ACTIVE
        ).values_list("learner_id", "course_key")
    )
    acknowledged = {
        (user_id, key, major): at
        for user_id, key, major, at in GuidelineAcknowledgement.objects.filter(
            user_id__in=ids, guideline_key__in=guideline_keys
        ).values_list("user_id", "guideline_key", "major_version", "acknowledged_at")
    }
    personal: dict[int, list[rules.Span]] = defaultdict(list)
    for person_id, start, end in Pause.objects.filter(person_id__in=ids).values_list(
        "person_id", "starts_on", "ends_on"
    ):
        personal[person_id].append(rules.Span(start, end))

    targets: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in (
        Enrolment.objects.filter(learner_id__in=ids, target_on__isnull=False)
        .exclude(status=Enrolment.Status.COMPLETED)
        .values_list("learner_id", "pk", "target_on", "target_set_on", "due_on", "paused_days")
    ):
        targets[row[0]].append(row[1:])

    to_update: list[Assignment] = []
    queued: set[int] = set()
    to_create: list[Assignment] = []
    moved: list[tuple[Any, datetime.date, int]] = []
    stamp = today.now
    for person in batch:
        record = getattr(person, "staff_record", None)
        position_id = record.position_id if record else None
        day = today(person.facility_id)
        spans = person_spans(person, personal.get(person.pk, []), lockdowns)
        moved += _moved_targets(targets.get(person.pk, []), spans, day)
        for rule in rule_list:
            requirement = rule.requirement
            key = (person.pk, requirement.pk)
            row = current.get(key)
            if not rule.applies_to(person, position_id):
                if row is not None:
                    row.ended_on, row.state, row.evaluated_at = day, Assignment.State.ENDED, stamp
                    to_update.append(row)
                    queued.add(row.pk)
                    outcome.ended += 1
                continue
            cycle_no = last_cycles.get(key, 0)
            if row is None:
                cycle_no += 1
                row = _new_cycle(rule, person, record, day, cycle_no, carried=None)
                to_create.append(row)
            for _ in range(3):  # a stale completion can open a renewal at once
                if row.cycle == 1 and row.carried_valid_until is None and not row.completed_at:
                    # A first cycle not yet done follows its rule and the person's record
                    # as they are now (a corrected start date, a changed number of days).
                    _set(row, "due_on", _due(rule, person, record, row.opened_on))
                _refresh(row, rule, person, day, today, spans, completions, acknowledged, started)
                successor = _successor(row, rule, person, record, day)
                if successor is None:
                    break
                row.ended_on = day
                if row.pk:
                    to_update.append(row)
                    queued.add(row.pk)
                    outcome.ended += 1
                row = successor
                to_create.append(row)
            if row.pk and row._changed and row.pk not in queued:  # type: ignore[attr-defined]
                to_update.append(row)
                queued.add(row.pk)
    with transaction.atomic():
        if to_update:
            Assignment.objects.bulk_update(to_update, UPDATED_FIELDS, batch_size=WRITE_BATCH)
        if to_create:
            Assignment.objects.bulk_create(to_create, ignore_conflicts=True, batch_size=WRITE_BATCH)
        outcome.reminders = _owe_reminders(ids, requirement_ids)
        outcome.targets = enrolments_move_due(moved)
    outcome.updated += len(to_update)
    outcome.created += len(to_create)
    return outcome


def person_spans(person: User, personal: list[rules.Span], lockdowns: list) -> list[rules.Span]:
    """The time that does not count for ``person``: their own pauses, and for a prisoner
    every lockdown of their facility or unit (``lockdowns``: facility, unit, span)."""
    spans = list(personal)
    if person.is_prisoner:
        spans += [
            span
            for facility_id, unit_id, span in lockdowns
            if facility_id == person.facility_id and unit_id in (None, person.unit_id)
        ]
    return spans


def _moved_targets(
    rows: list[tuple[Any, ...]], spans: list[rules.Span], day: datetime.date
) -> list[tuple[Any, datetime.date, int]]:
    """The enrolment target dates of one person moved by the paused days since each was
    set (the same arithmetic as a requirement's deadline): only those that change."""
    out = []
    for pk, target_on, set_on, due_on, paused_days in rows:
        deadline, paused = rules.paused_deadline(
            opened_on=set_on or target_on, due_on=target_on, pauses=spans, today=day
        )
        if (deadline, paused) != (due_on, paused_days):
            out.append((pk, deadline, paused))
    return out


def _due(rule: _Rule, person: User, record: Any, opened: datetime.date) -> datetime.date:
    """The deadline of a first cycle opened on ``opened`` (``Requirement.Anchor``): N days
    after the start date, N days after becoming subject, or a fixed date. A start date or
    fixed date already past when the requirement first reaches someone gives them N days
    from then instead, so nobody is overdue on the day they are assigned."""
    requirement = rule.requirement
    within = datetime.timedelta(days=requirement.due_days)
    if (
        requirement.due_anchor == Requirement.Anchor.DATE
        and requirement.due_date
        and requirement.due_date >= opened
    ):
        return requirement.due_date
    if requirement.due_anchor == Requirement.Anchor.START and record and record.started_on:
        after_start = record.started_on + within
        if after_start >= opened:
            return after_start
    return opened + within


def _new_cycle(
    rule: _Rule,
    person: User,
    record: Any,
    day: datetime.date,
    cycle_no: int,
    *,
    carried: datetime.date | None,
) -> Assignment:
    requirement = rule.requirement
    if carried is not None:
        due = carried + datetime.timedelta(days=requirement.grace_days)
    else:
        due = _due(rule, person, record, day)
    row = Assignment(
        person_id=person.pk,
        requirement_id=requirement.pk,
        cycle=cycle_no,
        facility_id=person.facility_id,
        opened_on=day,
        due_on=due,
        effective_due_on=due,
        carried_valid_until=carried,
        guideline_major=rule.guideline_major,
        state=Assignment.State.NOT_STARTED,
    )
    row._changed = True  # type: ignore[attr-defined]
    return row


def _successor(
    row: Assignment, rule: _Rule, person: User, record: Any, day: datetime.date
) -> Assignment | None:
    """The next cycle, when this one is over: a guideline's new major version, or a
    renewal whose window has opened."""
    requirement = rule.requirement
    if requirement.kind == Requirement.Kind.GUIDELINE:
        if row.guideline_major != rule.guideline_major:
            return _new_cycle(rule, person, record, day, row.cycle + 1, carried=None)
        return None
    if (
        requirement.valid_months
        and row.valid_until is not None
        and day >= row.valid_until - datetime.timedelta(days=requirement.window_days)
    ):
        return _new_cycle(rule, person, record, day, row.cycle + 1, carried=row.valid_until)
    return None


def _set(row: Assignment, name: str, value: Any) -> None:
    if getattr(row, name) != value:
        setattr(row, name, value)
        row._changed = True  # type: ignore[attr-defined]


def _refresh(
    row: Assignment,
    rule: _Rule,
    person: User,
    day: datetime.date,
    today: _Today,
    spans: list[rules.Span],
    completions: dict,
    acknowledged: dict,
    started: set,
) -> None:
    """Recompute one cycle's completion, deadline and state from what was read."""
    if not hasattr(row, "_changed"):
        row._changed = False  # type: ignore[attr-defined]
    requirement = rule.requirement
    completed_at = None
    if requirement.kind == Requirement.Kind.COURSE:
        for key in rule.keys:
            at = completions.get((person.pk, key))
            if at is None:
                continue
            local = today.local_date(at, person.facility_id)
            # A renewal cycle needs a completion made after its window opened.
            if row.carried_valid_until is not None and local < row.opened_on:
                continue
            if completed_at is None or at > completed_at:
                completed_at = at
    else:
        completed_at = acknowledged.get((person.pk, rule.guideline_key, row.guideline_major))
    valid_until = None
    if completed_at is not None and requirement.valid_months:
        valid_until = add_months(
            today.local_date(completed_at, person.facility_id), requirement.valid_months
        )
    exempt = row.is_exempt and (row.exempt_until is None or day <= row.exempt_until)
    base_due = max(row.due_on, row.extended_to) if row.extended_to else row.due_on
    deadline, paused = rules.paused_deadline(
        opened_on=row.opened_on, due_on=base_due, pauses=spans, today=day
    )
    state = rules.cycle_state(
        today=day,
        deadline=deadline,
        paused_today=rules.is_paused(spans, day),
        completed=completed_at is not None,
        valid_until=valid_until,
        carried_valid_until=row.carried_valid_until,
        exempt=exempt,
        started=any((person.pk, key) in started for key in rule.keys),
    )
    _set(row, "facility_id", person.facility_id)
    _set(row, "completed_at", completed_at)
    _set(row, "valid_until", valid_until)
    _set(row, "effective_due_on", deadline)
    _set(row, "paused_days", paused)
    _set(row, "state", state)
    if row._changed:  # type: ignore[attr-defined]
        row.evaluated_at = today.now


def _owe_reminders(person_ids: list[int], requirement_ids: list[int]) -> int:
    """Record the reminders the current cycles of these people are owed (one per event,
    the unique constraint ignoring those already owed). Two queries."""
    State = Assignment.State
    owed = []
    for pk, person_id, state, carried in (
        Assignment.objects.filter(
            person_id__in=person_ids, requirement_id__in=requirement_ids, ended_on__isnull=True
        )
        .exclude(state__in=[State.EXEMPT, State.ENDED])
        .values_list("pk", "person_id", "state", "carried_valid_until")
    ):
        kinds = []
        if carried is not None:
            kinds.append(Reminder.Kind.WINDOW_OPEN)
        elif state != State.COMPLETED:
            kinds.append(Reminder.Kind.ASSIGNED)
        if state == State.DUE_SOON:
            kinds.append(Reminder.Kind.DUE_SOON)
        elif state in (State.OVERDUE, State.EXPIRED):
            kinds.append(Reminder.Kind.OVERDUE)
        owed += [Reminder(assignment_id=pk, person_id=person_id, kind=kind) for kind in kinds]
    if owed:
        Reminder.objects.bulk_create(owed, ignore_conflicts=True, batch_size=WRITE_BATCH)
    return len(owed)


def evaluate_person(person: User) -> Outcome:
    """Evaluate every requirement in force for one person (after a change to them, or a
    completion of theirs)."""
    return evaluate(people=User.objects.filter(pk=person.pk))


def evaluate_requirement(requirement: Requirement) -> Outcome:
    """Evaluate one requirement for everyone; taken out of force, end its current
    cycles."""
    if not requirement.is_active:
        today = _Today(None)
        with transaction.atomic():
            ended = Assignment.objects.filter(
                requirement=requirement, ended_on__isnull=True
            ).update(ended_on=today(None), state=Assignment.State.ENDED, evaluated_at=today.now)
        return Outcome(ended=ended)
    return evaluate(requirements=[requirement])
