"""The policy core: the rules that more than one screen needs, each written once.

Every screen, export, API and task asks these functions instead of deciding for itself:

- **Audience**: which content (courses, lessons, guidelines) a user may receive.
- **People**: which people an actor may see, and whether they may manage a learner.
- **Voluntary programmes**: which programmes only the person may choose to join (every
  faith-based programme, and any course that asks for consent). Taking part in one is
  special-category data (it reveals religious belief, or a disengagement programme).
- **Special-category reads**: who may read such records, and the audit row a read needs.
- **Person reads**: the audit row of every staff read of a person's page (with address or
  kiosk), and of every denied attempt (``person_for_staff_read``).

It sits on the ground floor (``lms.core``): it knows people, facilities and the audit
trail, and describes course records only by their fields (``programme_type``,
``requires_consent``), so every floor above can apply it to its own querysets. The
queryset method and the instance property for courses (``CoursePage.objects.voluntary()``,
``CoursePage.is_voluntary``) are built on ``voluntary_q`` and ``is_voluntary``.

Holds no data of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .addresses import client_address
from .audit import audit_record, audit_records
from .models import AuditEvent, Facility, User


class Audience(models.TextChoices):
    """Whom a course or guideline is for."""

    STAFF = "staff", gettext_lazy("Staff")
    PRISONERS = "prisoners", gettext_lazy("Prisoners")
    BOTH = "both", gettext_lazy("Staff and prisoners")


class ProgrammeType(models.TextChoices):
    """The kinds of programme a course belongs to (its programme area decides)."""

    VOCATIONAL = "vocational", gettext_lazy("Vocational training")
    GENERAL_EDUCATION = "general_education", gettext_lazy("General education")
    LIFE_SKILLS = "life_skills", gettext_lazy("Life skills")
    FAITH_BASED = "faith_based", gettext_lazy("Faith-based programme")
    STAFF_TRAINING = "staff_training", gettext_lazy("Staff professional training")


# --- Audience ------------------------------------------------------------------------------


def audiences_for(user: User | AnonymousUser) -> list[str]:
    """The audience values whose content ``user`` may receive: prisoners get prisoner
    content, every staff role staff content, nobody signed out (or without a role) any."""
    if not user.is_authenticated or not user.is_active or not user.role:
        return []
    if user.is_prisoner:
        return [Audience.PRISONERS, Audience.BOTH]
    return [Audience.STAFF, Audience.BOTH]


def audience_allows(user: User | AnonymousUser, audience: str) -> bool:
    """Whether content for ``audience`` may reach ``user``."""
    return audience in audiences_for(user)


# --- People ----------------------------------------------------------------------------------


def may_manage_learners(actor: User) -> bool:
    """Whether ``actor`` holds a role that manages learners at all: education officers (for
    the facilities they manage) and administrators (everywhere)."""
    return bool(
        actor.is_authenticated
        and actor.is_active
        and (actor.is_administrator or actor.is_education_officer)
    )


def people_q(actor: User, *, via: str = "") -> Q:
    """A filter for the people ``actor`` may see, on any model that reaches a person
    through ``via`` (``"learner__"`` for learning records, ``""`` for ``User`` itself):
    everyone for administrators, the people of their facilities for education officers,
    nobody for monitors (figures, never people), and otherwise only themself."""
    nobody = Q(**{f"{via}pk__in": []})
    if not actor.is_authenticated or not actor.is_active:
        return nobody
    if actor.is_administrator:
        return Q()
    if actor.is_education_officer:
        return Q(**{f"{via}facility__in": managed_facilities(actor)})
    if actor.role == User.Role.MONITOR:
        return nobody
    return Q(**{f"{via}pk": actor.pk})


def counts_exact(actor: User) -> bool:
    """Whether ``actor`` sees counts as they are, small ones included: those who may see the
    people behind a figure (``may_manage_learners``). Everyone else who sees figures
    (monitors) sees them through small-cell suppression (``lms.core.suppression``)."""
    return may_manage_learners(actor)


def people_visible_to(actor: User) -> QuerySet[User]:
    """The people ``actor`` may see (``people_q``)."""
    return User.objects.filter(people_q(actor))


def learners_managed_by(actor: User) -> QuerySet[User]:
    """The learners ``actor`` may manage: nobody unless ``may_manage_learners``; then the
    learners among the people they may see."""
    if not may_manage_learners(actor):
        return User.objects.none()
    return people_visible_to(actor).filter(role__in=User.LEARNER_ROLES)


def may_manage_learner(actor: User, learner: User) -> bool:
    """Whether ``actor`` may act on ``learner``'s records (enrol, issue, set a PIN, keep
    their employability record): a managing role, and ``learner`` among the people they
    may see. Nobody manages themself."""
    if learner.pk == actor.pk:
        return False
    return learners_managed_by(actor).filter(pk=learner.pk).exists()


def may_see_person(actor: User, person: User) -> bool:
    """Whether ``actor`` may see ``person`` at all (``people_q``)."""
    return people_visible_to(actor).filter(pk=person.pk).exists()


def managed_facilities(actor: User) -> QuerySet[Facility]:
    """The facilities whose people ``actor`` manages: all for administrators, their own for
    education officers, none otherwise."""
    if not actor.is_authenticated or not actor.is_active:
        return Facility.objects.none()
    if actor.is_administrator:
        return Facility.objects.all()
    if actor.is_education_officer:
        return actor.managed_facilities.all()
    return Facility.objects.none()


# --- Voluntary programmes --------------------------------------------------------------------

#: Programme types that are always voluntary (freedom of religion is absolute).
ALWAYS_VOLUNTARY = frozenset({ProgrammeType.FAITH_BASED})


def is_voluntary(*, programme_type: str | None, requires_consent: bool = False) -> bool:
    """Whether a programme with these fields is voluntary: it asks for consent, or its
    programme type is always voluntary. Only the person may choose to join one, refusal is
    never a mark against them, and staff screens leave it out."""
    return bool(requires_consent) or programme_type in ALWAYS_VOLUNTARY


def voluntary_q(*, prefix: str = "", with_consent_field: bool = True) -> Q:
    """A filter for rows that are voluntary programmes by their own fields (``is_voluntary``):
    course pages (``requires_consent`` and ``programme_type``), or records that copy the
    programme type only (``with_consent_field=False``, e.g. certificates)."""
    condition = Q(**{f"{prefix}programme_type__in": sorted(ALWAYS_VOLUNTARY)})
    if with_consent_field:
        condition |= Q(**{f"{prefix}requires_consent": True})
    return condition


# --- Special-category records ----------------------------------------------------------------


class SpecialCategory(models.TextChoices):
    """Records that reveal special-category data: need-to-know, every staff read audited."""

    CONSENT = "consent", gettext_lazy("Choices to take part in voluntary programmes")
    VOLUNTARY_LEARNING = (
        "voluntary_learning",
        gettext_lazy("Learning in voluntary programmes (enrolments, progress, certificates)"),
    )


def may_read_special_category(actor: User, person: User) -> bool:
    """Whether ``actor`` may read ``person``'s special-category records at all: the person
    themself, or someone who manages them (and then only with a stated reason, audited by
    ``special_category_read``). Monitors and everyone else: never."""
    if actor.pk == person.pk and actor.is_authenticated and actor.is_active:
        return True
    return may_manage_learner(actor, person)


def special_category_read(
    *,
    actor: User,
    person: User,
    category: SpecialCategory,
    reason: str,
    action: str | None = None,
    details: dict | None = None,
    request: Any = None,
) -> None:
    """Allow a staff read of ``person``'s special-category records, and write its audit row
    (who, when, whose, which category, why, and with ``request`` from which address or
    kiosk). Raises ``PermissionDenied`` when ``actor`` may not read them or gives no
    reason. The person's own reads need no call.

    Writes the audit row in a transaction of its own unless the caller already has one, so
    a read is recorded before anything is shown."""
    reason = (reason or "").strip()
    if not may_read_special_category(actor, person) or actor.pk == person.pk:
        raise PermissionDenied(_("Not a learner you manage."))
    if not reason:
        raise PermissionDenied(_("A reason is required to read these records."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=action or f"{category}.read",
            obj=person,
            after={
                "category": str(category),
                "reason": reason[:200],
                **(details or {}),
                **(request_origin(request) if request is not None else {}),
            },
            facility=person.facility,
        )


# --- Reads of person pages by staff -------------------------------------------------------

# At most one denied-attempt row per actor and page in this many seconds (a script that
# walks IDs leaves a trail, not a flood); the next row counts the attempts left out.
DENIED_READ_LOG_SECONDS = 60
COUNT_KEEP_SECONDS = 24 * 60 * 60


def request_origin(request: Any) -> dict[str, Any]:
    """Where a read came from, as its audit row keeps it: address, kiosk and path."""
    kiosk = getattr(request, "kiosk", None)
    return {
        "ip_address": client_address(request) or None,
        "device": str(kiosk.pk) if kiosk is not None else None,
        "path": request.path[:200],
    }


def person_read(request: Any, *, person: User, page: str) -> None:
    """Record that a staff member opened ``page`` (e.g. "learner", "employability_record",
    "certificate") about ``person``: who, when, whose, which page (the why-by-context), and
    from which address or kiosk. Only reads (GET) are written; the writes on those pages
    have their own audit rows. A person's reads of their own pages are not recorded."""
    people_read(request, people=[person], page=page)


def people_read(request: Any, *, people: Iterable[User], page: str) -> None:
    """``person_read`` for a page that shows several people at once (a results list): one
    row per person shown, so each person's audit trail has the read, all in one
    transaction."""
    actor = request.user
    if request.method != "GET":
        return
    shown = {person.pk: person for person in people if person.pk != actor.pk}
    if not shown:
        return
    where = request_origin(request)
    with transaction.atomic():
        audit_records(
            actor=actor,
            action="person.read",
            objs=[(person, person.facility_id) for person in shown.values()],
            after={"page": page, **where},
        )


def person_read_denied(request: Any, *, page: str, public_id: Any) -> None:
    """Record an attempt to open ``page`` about a person the actor may not see (another
    facility's learner, a guessed ID): at most one row per actor and page a minute, whatever
    the IDs (walking IDs leaves one row, not one per ID). Audit rows are never updated, so
    the attempts refused without a row are counted in the next row (``attempts``: this one
    and those left out since the last row)."""
    from django.core.cache import cache

    actor = request.user
    key = f"qadam:denied-read:{actor.pk}:{page}"
    count_key = f"{key}:attempts"
    cache.add(count_key, 0, COUNT_KEEP_SECONDS)
    attempts = cache.incr(count_key)
    if not cache.add(key, 1, DENIED_READ_LOG_SECONDS):
        return
    cache.set(count_key, 0, COUNT_KEEP_SECONDS)
    person = User.objects.filter(public_id=public_id).first() if _is_uuid(public_id) else None
    with transaction.atomic():
        AuditEvent.objects.create(
            actor=actor,
            actor_label=actor.get_username(),
            action="person.read_denied",
            object_type="core.user",
            object_id=str(person.pk) if person else "-",
            facility=person.facility if person else None,
            after={
                "page": page,
                "public_id": str(public_id)[:64],
                "attempts": attempts,
                **request_origin(request),
            },
        )


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def person_for_staff_read(
    request: Any, queryset: QuerySet[User], *, public_id: Any, page: str
) -> User:
    """The person of ``public_id`` from ``queryset`` (what the actor may see), with the read
    recorded (``person_read``); a miss is recorded as denied and answers 404."""
    from django.http import Http404

    try:
        person = queryset.get(public_id=public_id)
    except (User.DoesNotExist, ValueError, ValidationError):
        person_read_denied(request, page=page, public_id=public_id)
        raise Http404 from None
    person_read(request, person=person, page=page)
    return person


# --- Reports (figures) -----------------------------------------------------------------------


def may_see_item_analysis(actor: User) -> bool:
    """Whether ``actor`` may see how a course's quiz questions were answered (figures over
    every facility, never a person): trainers, who write the questions, and
    administrators."""
    return bool(
        actor.is_authenticated
        and actor.is_active
        and (actor.is_administrator or actor.role == User.Role.TRAINER)
    )


def may_see_reports(actor: User) -> bool:
    """Whether ``actor`` may open the reports at all: monitors (figures only, never a
    person), education officers (their facilities) and administrators (all)."""
    return bool(
        actor.is_authenticated
        and actor.is_active
        and (may_manage_learners(actor) or actor.role == User.Role.MONITOR)
    )


def report_facilities(actor: User) -> QuerySet[Facility]:
    """The facilities whose figures ``actor`` may see: those they manage (education
    officers their own, administrators all), every facility for monitors (a closed
    facility's history still counts), none for anyone else."""
    if may_manage_learners(actor):
        return managed_facilities(actor)
    if actor.is_authenticated and actor.is_active and actor.role == User.Role.MONITOR:
        return Facility.objects.all()
    return Facility.objects.none()


def report_counts_exact(actor: User, *, export: bool = False) -> bool:
    """Whether a report may show ``actor`` exact small counts: only on the pages of those
    who may see the people behind them anyway (officers for their facilities,
    administrators). Monitors, every export (it leaves the system) and every figure of a
    voluntary programme get suppressed counts (``lms.core.suppression``), whoever asks."""
    return not export and counts_exact(actor)


def report_people_facilities(actor: User) -> QuerySet[Facility]:
    """The facilities whose people behind a report's figure ``actor`` may open: their own
    for education officers, all for administrators, none for monitors (aggregates only,
    never a person) nor anyone else."""
    if not may_manage_learners(actor):
        return Facility.objects.none()
    return managed_facilities(actor)


def may_open_report_people(actor: User, facility: Facility, *, voluntary: bool = False) -> bool:
    """Whether ``actor`` may open the people behind a figure of ``facility`` (with a stated
    purpose, each look audited: ``reports.services.report_people_open``): a facility of
    ``report_people_facilities``, and never behind a figure of a voluntary programme
    (``voluntary``: faith-based or consent-asking), which stays aggregate-only for every
    role."""
    if voluntary:
        return False
    return report_people_facilities(actor).filter(pk=facility.pk).exists()
