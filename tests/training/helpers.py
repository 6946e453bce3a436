"""Builders for the training tests: positions, requirements, completions."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from courses.models import CourseCompletion, Enrolment
from training.models import Position, Requirement, StaffRecord


def position(code: str = "guard", name: str = "Guard") -> Position:
    return Position.objects.get_or_create(code=code, defaults={"name": name})[0]


def staff_record(person, *, position=None, started_on=None, number=None) -> StaffRecord:
    record, _ = StaffRecord.objects.update_or_create(
        person=person,
        defaults={
            "position": position,
            "started_on": started_on,
            "staff_number": number or f"S{person.pk:05d}",
        },
    )
    return record


def course_requirement(course, *, positions=(), name="Use of force", **fields) -> Requirement:
    requirement = Requirement.objects.create(
        name=name, kind=Requirement.Kind.COURSE, course=course, **fields
    )
    requirement.positions.set(positions)
    return requirement


def complete(person, course, *, at: datetime.datetime | None = None) -> CourseCompletion:
    """Record that ``person`` completed ``course`` at ``at`` (default now)."""
    at = at or timezone.now()
    enrolment, _ = Enrolment.objects.get_or_create(
        learner=person,
        course_key=course.translation_key,
        defaults={"course": course, "source": Enrolment.Source.ASSIGNED},
    )
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.save()
    return CourseCompletion.objects.create(
        id=uuid.uuid4(),
        learner=person,
        enrolment=enrolment,
        course=course,
        course_key=course.translation_key,
        completed_at=at,
    )


def moment(day: datetime.date, hour: int = 12) -> datetime.datetime:
    """Noon (by default) of ``day`` in the installation's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
