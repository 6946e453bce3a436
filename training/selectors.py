"""Reads for the training screens: a person's own training, a facility's compliance
figures, and the people behind them. Who may see which facility's figures and whose
names is the policy core's (``managed_facilities``, ``people_q``, ``counts_exact``);
monitors see the figures of every facility, small counts suppressed, and never a name."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from lms.core.models import Facility, User
from lms.core.policy import counts_exact, managed_facilities, may_manage_learners, people_q
from lms.core.suppression import Cell, rate, suppress_row, suppress_total

from . import rules
from .models import Assignment, Pause, Reminder, Requirement, TrainingRequest

State = Assignment.State
OPEN_STATES = [State.NOT_STARTED, State.IN_PROGRESS, State.DUE_SOON, State.OVERDUE, State.EXPIRED]


def my_assignments(person: User) -> QuerySet[Assignment]:
    """``person``'s current cycles, most urgent first (overdue, due soonest)."""
    return (
        Assignment.objects.filter(person=person, ended_on__isnull=True)
        .exclude(state=State.ENDED)
        .select_related("requirement__course", "requirement__guideline")
        .order_by("effective_due_on", "requirement__name")
    )


def my_history(person: User) -> QuerySet[Assignment]:
    """``person``'s past cycles (renewed, superseded, or no longer required)."""
    return (
        Assignment.objects.filter(person=person, ended_on__isnull=False)
        .select_related("requirement")
        .order_by("-ended_on", "-cycle")
    )


def my_requests(person: User) -> QuerySet[TrainingRequest]:
    return TrainingRequest.objects.filter(assignment__person=person).select_related(
        "assignment__requirement"
    )


def my_notifications(person: User) -> QuerySet[Reminder]:
    """Unread in-app notifications of ``person``'s current cycles."""
    return (
        Reminder.objects.filter(person=person, read_at__isnull=True, assignment__ended_on=None)
        .select_related("assignment__requirement")
        .order_by("-created_at")
    )


@dataclass
class Notice:
    """What the home page says: how many open items and the most urgent one."""

    open: int
    overdue: int
    first: Assignment | None


def home_notice(person: User) -> Notice | None:
    """The home page's notice for ``person``, or None when nothing is open. One query.
    Prisoners see it on the kiosk (the only place they sign in), never by e-mail."""
    if not person.is_authenticated:
        return None
    rows = list(my_assignments(person).filter(state__in=OPEN_STATES)[:50])
    if not rows:
        return None
    overdue = [r for r in rows if r.state in (State.OVERDUE, State.EXPIRED)]
    return Notice(open=len(rows), overdue=len(overdue), first=(overdue or rows)[0])


def compliance_facilities(actor: User) -> QuerySet[Facility]:
    """The facilities whose compliance figures ``actor`` may see: those they manage
    (officers, administrators), or every active facility for monitors (figures only)."""
    if may_manage_learners(actor):
        return managed_facilities(actor)
    if actor.is_authenticated and actor.is_active and actor.role == User.Role.MONITOR:
        return Facility.objects.filter(is_active=True)
    return Facility.objects.none()


def may_see_names(actor: User) -> bool:
    """Monitors see figures, never people."""
    return may_manage_learners(actor)


@dataclass
class RequirementFigures:
    requirement: Requirement
    total: int
    compliant: int
    completed: int
    exempt: int
    due_30: int
    overdue: int
    expired: int
    paused: int
    not_started: int
    in_progress: int

    @property
    def percent(self) -> int:
        return round(100 * self.compliant / self.total) if self.total else 100


def compliance_figures(
    *, facility: Facility, today: datetime.date | None = None
) -> list[RequirementFigures]:
    """Each requirement in force with people at ``facility``: how many are subject, and
    how many are compliant (completed or exempt), due within 30 days, overdue, expired,
    exempt and paused. Two queries, however many people."""
    today = today or timezone.localdate(timezone.now(), facility.tzinfo)
    soon = today + datetime.timedelta(days=30)
    rows = (
        Assignment.objects.filter(facility=facility, ended_on__isnull=True)
        .exclude(state=State.ENDED)
        .values("requirement_id")
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(state=State.COMPLETED)),
            exempt=Count("pk", filter=Q(state=State.EXEMPT)),
            due_30=Count(
                "pk",
                filter=Q(
                    state__in=[State.NOT_STARTED, State.IN_PROGRESS, State.DUE_SOON],
                    effective_due_on__lte=soon,
                ),
            ),
            overdue=Count("pk", filter=Q(state=State.OVERDUE)),
            expired=Count("pk", filter=Q(state=State.EXPIRED)),
            paused=Count("pk", filter=Q(state=State.PAUSED)),
            not_started=Count("pk", filter=Q(state=State.NOT_STARTED)),
            in_progress=Count("pk", filter=Q(state=State.IN_PROGRESS)),
        )
    )
    by_id = {row["requirement_id"]: row for row in rows}
    requirements = Requirement.objects.filter(pk__in=by_id, is_active=True).order_by("name")
    figures = []
    for requirement in requirements:
        row = by_id[requirement.pk]
        figures.append(
            RequirementFigures(
                requirement=requirement,
                total=row["total"],
                compliant=row["completed"] + row["exempt"],
                completed=row["completed"],
                exempt=row["exempt"],
                due_30=row["due_30"],
                overdue=row["overdue"],
                expired=row["expired"],
                paused=row["paused"],
                not_started=row["not_started"],
                in_progress=row["in_progress"],
            )
        )
    return figures


@dataclass
class PublishedFigures:
    """One requirement's figures as ``actor`` may see them: exact numbers for who may see
    the people behind them; for everyone else suppressed cells (``Cell``) and a percent only
    over a denominator at or above the threshold (None when not published)."""

    requirement: Requirement
    total: int | Cell
    percent: int | None
    completed: int | Cell
    exempt: int | Cell
    due_30: int | Cell
    overdue: int | Cell
    expired: int | Cell
    paused: int | Cell
    exact: bool


def _published(
    requirement: Requirement,
    total: int | Cell,
    percent: int | None,
    cells: list[int] | list[Cell],
    *,
    exact: bool,
) -> PublishedFigures:
    completed, exempt, due_30, overdue, expired, paused = cells
    return PublishedFigures(
        requirement=requirement,
        total=total,
        percent=percent,
        completed=completed,
        exempt=exempt,
        due_30=due_30,
        overdue=overdue,
        expired=expired,
        paused=paused,
        exact=exact,
    )


def compliance_published(actor: User, figures: list[RequirementFigures]) -> list[PublishedFigures]:
    """``figures`` as ``actor`` may see them, for the page, its chart and its exports alike."""
    exact = counts_exact(actor)
    published: list[PublishedFigures] = []
    for f in figures:
        parts = [f.completed, f.exempt, f.due_30, f.overdue, f.expired, f.paused]
        if exact:
            published.append(_published(f.requirement, f.total, f.percent, parts, exact=True))
            continue
        total = suppress_total(f.total)
        share = rate(f.compliant, f.total) if f.total else None
        percent = None if share is None or total.suppressed else round(share)
        cells = suppress_row(parts)
        # The percent gives back completed + exempt: neither may be hidden alone.
        if cells[0].suppressed != cells[1].suppressed and percent is not None:
            cells[0] = cells[1] = Cell(None)
        if total.suppressed:
            cells = [c if c.value == 0 else Cell(None) for c in cells]
        published.append(_published(f.requirement, total, percent, cells, exact=False))
    return published


def compliance_people(
    *, actor: User, facility: Facility, requirement: Requirement, state: str = ""
) -> QuerySet[Assignment]:
    """The current cycles behind one requirement's figures at ``facility``, limited to the
    people ``actor`` may see (``people_q``: nobody for monitors)."""
    queryset = (
        Assignment.objects.filter(
            people_q(actor, via="person__"),
            facility=facility,
            requirement=requirement,
            ended_on__isnull=True,
        )
        .exclude(state=State.ENDED)
        .select_related("person", "person__staff_record__position", "person__unit")
        .order_by("effective_due_on", "person__last_name", "person__first_name")
    )
    if state in State.values:
        queryset = queryset.filter(state=state)
    return queryset


def pending_requests(actor: User) -> QuerySet[TrainingRequest]:
    """Requests waiting for a decision from ``actor``: those of people they manage."""
    if not may_manage_learners(actor):
        return TrainingRequest.objects.none()
    return (
        TrainingRequest.objects.filter(
            people_q(actor, via="assignment__person__"), status=TrainingRequest.Status.PENDING
        )
        .exclude(assignment__person=actor)
        .select_related("assignment__person", "assignment__requirement", "requested_by")
    )


def pauses_managed_by(actor: User) -> QuerySet[Pause]:
    """Pauses ``actor`` may see and end: lockdowns of the facilities they manage, and
    pauses of the people they manage (none for anyone else). Current and future ones,
    and those that ended in the last 30 days."""
    if not may_manage_learners(actor):
        return Pause.objects.none()
    since = timezone.localdate() - datetime.timedelta(days=30)
    return (
        Pause.objects.filter(
            Q(person__isnull=True, facility__in=managed_facilities(actor))
            | Q(people_q(actor, via="person__"), person__isnull=False)
        )
        .exclude(person=actor)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))
        .select_related("person", "facility", "unit")
        .order_by("-starts_on")
    )


class TargetState:
    """Where a prisoner's course stands against an officer's target date."""

    PAUSED = "paused"
    BEHIND = "behind"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"

    @staticmethod
    def labels() -> dict[str, str]:
        from django.utils.translation import gettext as _

        return {
            TargetState.BEHIND: _("Behind"),
            TargetState.DUE_SOON: _("Due soon"),
            TargetState.ON_TRACK: _("On track"),
            TargetState.PAUSED: _("Paused: time that does not count"),
        }


def _paused_today_q(facility: Facility, today: datetime.date) -> Q:
    """Enrolments of people whose time does not count today: their own pause, or (for
    prisoners) a lockdown of their facility or unit. The same spans the engine counts."""
    covering = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    personal = Pause.objects.filter(covering, person__facility=facility).values("person_id")
    lockdowns = Pause.objects.filter(covering, kind=Pause.Kind.LOCKDOWN, facility=facility)
    locked = Q(learner__role=User.Role.PRISONER_LEARNER) & (
        Q(learner__unit__in=lockdowns.filter(unit__isnull=False).values("unit_id"))
        | Q(
            learner__facility__in=lockdowns.filter(unit__isnull=True).values("facility_id"),
        )
    )
    return Q(learner__in=personal) | locked


def course_targets(
    actor: User, facility: Facility, *, state: str = ""
) -> tuple[QuerySet, dict[str, int], datetime.date]:
    """The open enrolments with an officer's target date of the people of ``facility``
    that ``actor`` may see (``people_q``; never a voluntary programme, never their own),
    soonest due first, optionally those in one ``TargetState``; with how many are in
    each state, and the facility's today. A paused person is never behind."""
    from courses.models import CoursePage, Enrolment

    today = timezone.localdate(timezone=facility.tzinfo)
    soon = today + datetime.timedelta(days=rules.DUE_SOON_DAYS)
    paused = _paused_today_q(facility, today)
    states = {
        TargetState.PAUSED: paused,
        TargetState.BEHIND: ~paused & Q(due_on__lt=today),
        TargetState.DUE_SOON: ~paused & Q(due_on__gte=today, due_on__lte=soon),
        TargetState.ON_TRACK: ~paused & Q(due_on__gt=soon),
    }
    rows = (
        Enrolment.objects.filter(
            people_q(actor, via="learner__"),
            learner__facility=facility,
            due_on__isnull=False,
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED],
        )
        .exclude(learner=actor)
        .exclude(course_key__in=CoursePage.objects.voluntary_keys())
    )
    counts = rows.aggregate(**{name: Count("pk", filter=q) for name, q in states.items()})
    if state in states:
        rows = rows.filter(states[state])
    rows = (
        rows.annotate(paused_today=Case(When(paused, then=Value(True)), default=Value(False)))
        .select_related("learner", "learner__unit", "course")
        .order_by("due_on", "learner__last_name")
    )
    return rows, counts, today


def target_state(row: Any, today: datetime.date) -> str:
    """The ``TargetState`` of a row of ``course_targets`` (annotated ``paused_today``)."""
    if row.paused_today:
        return TargetState.PAUSED
    if row.due_on < today:
        return TargetState.BEHIND
    if (row.due_on - today).days <= rules.DUE_SOON_DAYS:
        return TargetState.DUE_SOON
    return TargetState.ON_TRACK
