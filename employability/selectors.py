"""Reading the employability record. One rule everywhere (page, kiosk, CV, JSON bundle):
entries of voluntary programmes (``lms.core.policy.is_voluntary``: every faith-based one and
any course that asks for consent) are left out unless the person chose to include them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django_stubs_ext import StrOrPromise

from certificates.models import Certificate
from courses.models import CourseCompletion, CoursePage, ProgrammeType
from lms.core.models import User
from lms.core.policy import is_voluntary, learners_managed_by

from .models import Goal, Placement, RecordPreference


@dataclass
class EmployabilityRecord:
    person: User
    include_voluntary: bool
    has_voluntary: bool
    certificates: list[Certificate] = field(default_factory=list)
    hours_by_programme: list[tuple[StrOrPromise, Decimal]] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    placements: QuerySet[Placement] | list[Placement] = field(default_factory=list)
    goals: QuerySet[Goal] | list[Goal] = field(default_factory=list)

    @property
    def total_hours(self) -> Decimal:
        return sum((hours for _, hours in self.hours_by_programme), Decimal(0))


def include_voluntary(person: User) -> bool:
    """Whether ``person`` chose to show their voluntary programmes in their record."""
    preference = RecordPreference.objects.filter(person=person).first()
    return bool(preference and preference.include_faith_based)


def employability_record(*, person: User) -> EmployabilityRecord:
    """The record of ``person``. The caller has checked the viewer may see the person."""
    include = include_voluntary(person)

    certificates = list(
        Certificate.objects.filter(learner=person, status=Certificate.Status.ISSUED).order_by(
            "-completed_on"
        )
    )
    completions = list(CourseCompletion.objects.filter(learner=person).select_related("course"))
    course_keys = {c.course_key for c in completions} | {
        c.course_key for c in certificates if c.course_key
    }
    # The page the learner took first, else the same course in another language.
    courses = {
        page.translation_key: page
        for page in CoursePage.objects.filter(translation_key__in=course_keys)
        .prefetch_related("skills")
        .order_by("-pk")
    }
    courses.update({c.course_key: c.course for c in completions if c.course is not None})
    voluntary_keys = set(
        CoursePage.objects.filter(translation_key__in=course_keys)
        .voluntary_keys()
        .values_list("translation_key", flat=True)
    )

    def voluntary(course_key, programme_type: str) -> bool:
        return course_key in voluntary_keys or is_voluntary(programme_type=programme_type)

    def shown(course_key, programme_type: str) -> bool:
        return include or not voluntary(course_key, programme_type)

    has_voluntary = any(voluntary(c.course_key, c.programme_type) for c in certificates) or any(
        voluntary(c.course_key, "") for c in completions
    )

    hours: dict[str, Decimal] = {}
    counted: set = set()
    for certificate in certificates:
        if shown(certificate.course_key, certificate.programme_type):
            key = certificate.programme_type or ProgrammeType.VOCATIONAL
            hours[key] = hours.get(key, Decimal(0)) + certificate.hours
        counted.add(certificate.course_key)
    for completion in completions:
        course = completion.course or courses.get(completion.course_key)
        if completion.course_key in counted or course is None:
            continue
        counted.add(completion.course_key)
        if shown(completion.course_key, course.programme_type):
            hours[course.programme_type] = hours.get(course.programme_type, Decimal(0)) + (
                course.estimated_hours
            )
    labels = dict(ProgrammeType.choices)
    skills = sorted(
        {
            tag.name
            for key in counted
            if key in courses and shown(key, courses[key].programme_type)
            for tag in courses[key].skills.all()
        },
        key=str.casefold,
    )
    return EmployabilityRecord(
        person=person,
        include_voluntary=include,
        has_voluntary=has_voluntary,
        certificates=[c for c in certificates if shown(c.course_key, c.programme_type)],
        hours_by_programme=sorted(
            # Labels stay lazy: the CV renders them in its own language.
            ((labels.get(k, k), v) for k, v in hours.items()),
            key=lambda item: -item[1],
        ),
        skills=skills,
        placements=Placement.objects.filter(person=person),
        goals=Goal.objects.filter(person=person),
    )


def prisoners_managed_by(viewer: User) -> QuerySet[User]:
    """Prisoners whose record ``viewer`` may maintain (``lms.core.policy``)."""
    return learners_managed_by(viewer).filter(role=User.Role.PRISONER_LEARNER)
