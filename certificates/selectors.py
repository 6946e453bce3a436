"""Reads for certificates: what a person may see, and what is due for renewal.

Staff never see a certificate of a voluntary programme here (faith-based ones reveal
religious belief): only the holder does, on "My certificates"."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from courses.models import CoursePage
from lms.core.models import User
from lms.core.policy import people_visible_to, voluntary_q

from .models import Certificate

RENEWAL_WINDOW_DAYS = 60


def _without_voluntary(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """Leave out certificates of voluntary programmes (``lms.core.policy``): by the
    programme type copied when issued, or because the course is one now."""
    return certificates.exclude(
        voluntary_q(with_consent_field=False)
        | Q(course_key__in=CoursePage.objects.voluntary_keys())
    )


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    """Certificates of the people ``user`` may see (officers: their facilities), for the
    staff web: never one of a voluntary programme, whoever holds it."""
    return _without_voluntary(
        Certificate.objects.visible_to(user).select_related("learner", "learner__facility")
    )


def renewals_due(*, viewer: User, learner: User | None = None) -> QuerySet[Certificate]:
    """Issued staff certificates that expire within ``RENEWAL_WINDOW_DAYS`` or have
    expired, and for which no newer certificate of the same course exists. A staff
    member sees their own; officers and administrators see those of the people they
    may see (never for a voluntary programme but to the holder)."""
    today = timezone.localdate()
    horizon = today + timedelta(days=RENEWAL_WINDOW_DAYS)
    people = people_visible_to(viewer).exclude(role=User.Role.PRISONER_LEARNER)
    if learner is not None:
        people = people.filter(pk=learner.pk)
    renewed = Certificate.objects.filter(
        learner_id=OuterRef("learner_id"),
        course_key=OuterRef("course_key"),
        status=Certificate.Status.ISSUED,
        expires_on__gt=horizon,
    )
    due: QuerySet[Certificate] = (
        Certificate.objects.filter(
            learner__in=people,
            status=Certificate.Status.ISSUED,
            expires_on__isnull=False,
            expires_on__lte=horizon,
        )
        .exclude(Exists(renewed))
        .select_related("learner", "learner__facility")
        .order_by("expires_on")
    )
    if learner is None or learner.pk != viewer.pk:
        due = _without_voluntary(due)
    return due


def certificate_list(
    *,
    viewer: User,
    query: str = "",
    course_key: uuid.UUID | None = None,
    status: str = "",
    facility_id: int | None = None,
    completed_from: date | None = None,
    completed_to: date | None = None,
) -> QuerySet[Certificate]:
    """The certificates ``viewer`` may see on the staff web (``certificates_visible_to``:
    their facilities, never a voluntary programme), narrowed by the officer's filters,
    newest first. A status of "pending" takes in those being rendered too."""
    certificates = certificates_visible_to(viewer)
    for word in query.split()[:5]:
        condition = (
            Q(holder_name__icontains=word)
            | Q(learner__prisoner_number__icontains=word)
            | Q(learner__username__icontains=word)
        )
        if word.isdigit():
            condition |= Q(serial=int(word))
        certificates = certificates.filter(condition)
    if course_key:
        certificates = certificates.filter(course_key=course_key)
    if status == Certificate.Status.PENDING:
        certificates = certificates.filter(
            status__in=[Certificate.Status.PENDING, Certificate.Status.RENDERING]
        )
    elif status:
        certificates = certificates.filter(status=status)
    if facility_id:
        certificates = certificates.filter(learner__facility_id=facility_id)
    if completed_from:
        certificates = certificates.filter(completed_on__gte=completed_from)
    if completed_to:
        certificates = certificates.filter(completed_on__lte=completed_to)
    return certificates.order_by("-created_at", "-serial")


def certificate_list_courses(viewer: User) -> list[tuple[uuid.UUID, str]]:
    """The courses of the certificates ``viewer`` may see, for the list's course filter:
    one entry per course (one of the titles it was issued under), by title."""
    titles: dict[uuid.UUID, str] = {}
    for key, title in (
        certificates_visible_to(viewer)
        .exclude(course_key=None)
        .order_by()
        .values_list("course_key", "course_title")
        .distinct()
    ):
        if key is not None:
            titles[key] = title
    return sorted(titles.items(), key=lambda item: item[1].lower())
