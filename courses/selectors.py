"""Reads of courses and learning records, scoped to what the user may see.

Every function takes the acting user and filters by audience (content) or by
``visible_to`` (people's records). Query counts do not grow with the number of lessons or
enrolments: lessons of many courses are read in one query and matched by tree path.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Locale, Page

from lms.core.models import User
from lms.core.policy import audience_allows, audiences_for, learners_managed_by
from lms.core.serving import memoised, view_restrictions_pass

from .models import (
    ActivityResult,
    CatalogueIndexPage,
    CourseCompletion,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ProgrammeAreaPage,
    QuizAttempt,
)
from .models.pages import page_context_reader

# Pages are read by signed-in people and, where a page allows it, by anyone.
Visitor = User | AnonymousUser


@dataclass
class LessonEntry:
    lesson: LessonPage
    done: bool = False


@dataclass
class CourseOverview:
    course: CoursePage
    lessons: list[LessonEntry] = field(default_factory=list)
    enrolment: Enrolment | None = None
    completion: CourseCompletion | None = None
    can_enrol: bool = False
    missing_prerequisites: list[CoursePage] = field(default_factory=list)
    to_do: list[str] = field(default_factory=list)
    seconds_spent: int = 0

    @property
    def minutes_spent(self) -> int:
        """Measured active time in the course's lessons, in whole minutes."""
        return self.seconds_spent // 60

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done(self) -> int:
        return sum(1 for entry in self.lessons if entry.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def next_lesson(self) -> LessonPage | None:
        """Where to continue: the first lesson not done yet."""
        for entry in self.lessons:
            if not entry.done:
                return entry.lesson
        return None

    @property
    def is_active(self) -> bool:
        return self.enrolment is not None and self.enrolment.status == Enrolment.Status.ACTIVE


def _lessons_by_course_key(courses: list[CoursePage]) -> dict[uuid.UUID, list[LessonPage]]:
    """Live lessons under each course (every language version), one query in all, kept
    per process until published content changes (``lms.core.serving``). Callers must not
    change what they get."""
    if not courses:
        return {}
    key = tuple(sorted((course.path, course.translation_key) for course in courses))
    return memoised(("lessons_by_course_key", key), lambda: _read_lessons(courses))


def _read_lessons(courses: list[CoursePage]) -> dict[uuid.UUID, list[LessonPage]]:
    by_path = {course.path: course.translation_key for course in courses}
    prefix_lengths = sorted({len(path) for path in by_path})
    condition = Q()
    for path in by_path:
        condition |= Q(path__startswith=path) & ~Q(path=path)
    result: dict[uuid.UUID, list[LessonPage]] = defaultdict(list)
    lessons = LessonPage.objects.live().filter(condition).defer_streamfields().order_by("path")
    for lesson in lessons:
        for length in prefix_lengths:
            key = by_path.get(lesson.path[:length])
            if key is not None:
                result[key].append(lesson)
                break
    return dict(result)


def _translations(course_keys: set[uuid.UUID]) -> list[CoursePage]:
    """The live courses of these translation keys, in every language; kept per process
    until published content changes."""
    return memoised(
        ("course_translations", frozenset(course_keys)),
        lambda: list(CoursePage.objects.live().filter(translation_key__in=course_keys)),
    )


def _pick_lessons(
    lessons: list[LessonPage], preferred_locale_id: int, fallback_locale_id: int
) -> list[LessonPage]:
    """One lesson per translation key: the preferred language, else the course's own, else
    any; in the order of the preferred course's tree, missing translations after."""
    rank = {preferred_locale_id: 0, fallback_locale_id: 1}
    chosen: dict[uuid.UUID, LessonPage] = {}
    for lesson in sorted(lessons, key=lambda item: (rank.get(item.locale_id, 2), item.path)):
        chosen.setdefault(lesson.translation_key, lesson)
    return sorted(chosen.values(), key=lambda item: (rank.get(item.locale_id, 2), item.path))


def course_lesson_keys(course: CoursePage) -> set[uuid.UUID]:
    """The lessons a learner must do: every live lesson of every language version."""
    courses = _translations({course.translation_key}) or [course]
    return {
        lesson.translation_key
        for lessons in _lessons_by_course_key(courses).values()
        for lesson in lessons
    }


def seconds_spent(*, learner_id: int, lesson_keys: Iterable[uuid.UUID]) -> int:
    """The learner's measured active time on these lessons, in seconds, all languages."""
    from django.db.models import Sum

    total = LessonProgress.objects.filter(
        learner_id=learner_id, lesson_key__in=list(lesson_keys)
    ).aggregate(total=Sum("seconds_spent"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class RequiredActivity:
    """A scored block a learner must pass: its lesson, its id and what to call it."""

    lesson_key: uuid.UUID
    activity_key: str
    kind: str
    title: str


def required_activities_of(lesson: LessonPage) -> list[RequiredActivity]:
    """The activity blocks of this one lesson version that are marked required."""
    from .blocks import ActivityBlock

    return [
        RequiredActivity(
            lesson.translation_key,
            block.id,
            block.block_type,
            str(block.value.get("title") or block.value.get("content") or ""),
        )
        for block in lesson.body
        if isinstance(block.block, ActivityBlock) and block.value.get("required")
    ]


def course_required_activities(course: CoursePage) -> dict[uuid.UUID, list[set[str]]]:
    """For each lesson of the course (by translation key), the ids of the required
    activities of each of its live language versions.

    A learner meets a lesson's requirement by passing every required activity of one of
    its versions: the one in the language they use (decision record 0051). Versions made
    with Wagtail's "Translate" share block ids, so a pass in one language counts in the
    others."""
    courses = _translations({course.translation_key}) or [course]
    lesson_pks = [
        lesson.pk for lessons in _lessons_by_course_key(courses).values() for lesson in lessons
    ]
    required: dict[uuid.UUID, list[set[str]]] = defaultdict(list)
    lessons = LessonPage.objects.filter(pk__in=lesson_pks).only("translation_key", "body")
    for lesson in lessons:
        required[lesson.translation_key].append(
            {item.activity_key for item in required_activities_of(lesson)}
        )
    return dict(required)


def required_activities_met(
    required: dict[uuid.UUID, list[set[str]]], passed: set[tuple[uuid.UUID, str]]
) -> bool:
    """Whether, in every lesson, one language version has all its required activities
    passed (``course_required_activities``)."""
    for lesson_key, versions in required.items():
        done = {activity for key, activity in passed if key == lesson_key}
        if not any(version <= done for version in versions):
            return False
    return True


def passed_activities(learner_id: int, lesson_keys: set[uuid.UUID]) -> set[tuple[uuid.UUID, str]]:
    """(lesson key, activity key) of every activity the learner has passed."""
    if not lesson_keys:
        return set()
    return set(
        ActivityResult.objects.filter(
            learner_id=learner_id, passed_at__isnull=False, lesson_key__in=lesson_keys
        ).values_list("lesson_key", "activity_key")
    )


def lesson_outstanding_activities(
    *,
    learner: Visitor,
    lesson: LessonPage,
    passed: set[tuple[uuid.UUID, str]] | None = None,
) -> list[RequiredActivity]:
    """The required activities of this one lesson version (``required_activities_of``)
    that ``learner`` has not passed, in the order of the lesson's body: what stands
    between them and the lesson being done. The one rule behind refusing "done"
    (``services.lesson_complete``), the course page's to-do list and the lesson page's
    notice.

    A requirement is that of the version the learner opens, and a pass counts by lesson
    translation key and block id, so a pass in another language version whose block
    shares the id counts here too (decision record 0051). Someone signed out has passed
    nothing.

    ``passed``: the learner's passes already read (``passed_activities``, or the lesson's
    results), for callers that look at many lessons or hold the results anyway; without
    it, one query, and none when the lesson requires nothing. Reads only.
    """
    if not lesson.has_activities:
        return []
    required = required_activities_of(lesson)
    if not required:
        return []
    if passed is None:
        passed = (
            passed_activities(learner.pk, {lesson.translation_key})
            if learner.is_authenticated
            else set()
        )
    return [item for item in required if (item.lesson_key, item.activity_key) not in passed]


def activity_to_do_text(activity: RequiredActivity, lesson_title: str) -> str:
    """What the learner still has to do, in words: "Pass the quiz in Writing a letter"."""
    if activity.kind == "quiz":
        return _("Pass the quiz in “%(lesson)s”") % {"lesson": lesson_title}
    return _("Pass the activity in “%(lesson)s”") % {"lesson": lesson_title}


def _done_keys(user: Visitor, keys: set[uuid.UUID]) -> set[uuid.UUID]:
    if not user.is_authenticated or not keys:
        return set()
    return set(
        LessonProgress.objects.filter(
            learner=user, lesson_key__in=keys, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )


def course_overview(
    *, user: Visitor, course: CoursePage, with_to_do: bool = True
) -> CourseOverview:
    """The course as ``user`` sees it: lessons in their language, what they have done,
    their enrolment, and whether they may join. ``with_to_do``: also what is left and
    the measured time (the course page; the lesson page does without, keeping its
    queries few and free of page tables)."""
    courses = _translations({course.translation_key}) or [course]
    all_lessons = _lessons_by_course_key(courses).get(course.translation_key, [])
    lessons = _pick_lessons(all_lessons, course.locale_id, course.locale_id)
    done = _done_keys(user, {lesson.translation_key for lesson in lessons})
    overview = CourseOverview(
        course=course,
        lessons=[LessonEntry(lesson, lesson.translation_key in done) for lesson in lessons],
    )
    if user.is_authenticated:
        overview.enrolment = (
            Enrolment.objects.filter(learner=user, course_key=course.translation_key)
            .select_related("completion")
            .first()
        )
        if overview.enrolment is not None:
            overview.completion = getattr(overview.enrolment, "completion", None)
            if with_to_do:
                _fill_to_do(user, overview)
        # Prerequisites matter (and are shown) only to someone not on the course.
        if overview.enrolment is None or overview.enrolment.status not in (
            Enrolment.Status.ACTIVE,
            Enrolment.Status.COMPLETED,
        ):
            overview.missing_prerequisites = course.missing_prerequisites(user.pk)
        overview.can_enrol = (
            not overview.missing_prerequisites
            and course.self_enrolment
            and user.role in User.LEARNER_ROLES
            and (
                overview.enrolment is None
                or overview.enrolment.status
                in (Enrolment.Status.WITHDRAWN, Enrolment.Status.PAUSED)
            )
        )
    return overview


def _fill_to_do(user: User, overview: CourseOverview) -> None:
    """What is left for the learner, in words, and their measured active time. A lesson
    marked done while a required activity in it is not passed (older records) is shown
    as not done: the page tells the truth. Three queries, whatever the number of lessons."""
    keys = {entry.lesson.translation_key for entry in overview.lessons}
    overview.seconds_spent = seconds_spent(learner_id=user.pk, lesson_keys=keys)
    if overview.completion is not None:
        return
    bodies = {
        lesson.pk: lesson
        for lesson in LessonPage.objects.filter(
            pk__in=[entry.lesson.pk for entry in overview.lessons]
        ).only("pk", "translation_key", "body")
    }
    passed = passed_activities(user.pk, keys)
    for entry in overview.lessons:
        outstanding = lesson_outstanding_activities(
            learner=user, lesson=bodies.get(entry.lesson.pk, entry.lesson), passed=passed
        )
        if outstanding:
            entry.done = False
            overview.to_do.append(activity_to_do_text(outstanding[0], entry.lesson.title))
        elif not entry.done and overview.course.complete_when_all_lessons_done:
            overview.to_do.append(_("Finish “%(lesson)s”") % {"lesson": entry.lesson.title})
    minimum = overview.course.complete_after_minutes * 60
    if minimum and overview.seconds_spent < minimum:
        left = max(1, (minimum - overview.seconds_spent + 59) // 60)
        overview.to_do.append(
            ngettext(
                "Spend %(minutes)s more minute working in the lessons",
                "Spend %(minutes)s more minutes working in the lessons",
                left,
            )
            % {"minutes": left}
        )


@dataclass
class LessonOverview:
    course: CourseOverview
    lesson: LessonPage
    done: bool
    previous: LessonPage | None
    next: LessonPage | None
    position: int
    activity_results: dict[str, ActivityResult] = field(default_factory=dict)
    quiz_attempts: dict[str, QuizAttempt] = field(default_factory=dict)
    outstanding: list[RequiredActivity] = field(default_factory=list)


def lesson_overview(*, user: Visitor, lesson: LessonPage) -> LessonOverview:
    course = course_overview(user=user, course=lesson.course, with_to_do=False)
    keys = [entry.lesson.translation_key for entry in course.lessons]
    index = keys.index(lesson.translation_key) if lesson.translation_key in keys else 0
    results: dict[str, ActivityResult] = {}
    attempts: dict[str, QuizAttempt] = {}
    if user.is_authenticated and lesson.has_activities:
        results = {
            result.activity_key: result
            for result in ActivityResult.objects.filter(
                learner=user, lesson_key=lesson.translation_key
            )
        }
        for attempt in QuizAttempt.objects.filter(
            learner=user, lesson_key=lesson.translation_key
        ).order_by("created_at", "id"):
            attempts[attempt.activity_key] = attempt  # the latest wins
    passed = {(lesson.translation_key, key) for key, result in results.items() if result.passed}
    return LessonOverview(
        outstanding=lesson_outstanding_activities(learner=user, lesson=lesson, passed=passed),
        activity_results=results,
        quiz_attempts=attempts,
        course=course,
        lesson=lesson,
        done=any(
            e.done for e in course.lessons if e.lesson.translation_key == lesson.translation_key
        ),
        previous=course.lessons[index - 1].lesson if index > 0 else None,
        next=course.lessons[index + 1].lesson if index + 1 < len(keys) else None,
        position=index + 1,
    )


@dataclass
class CatalogueEntry:
    course: CoursePage
    enrolment_status: str | None


def courses_visible_to(user: Visitor) -> list[CoursePage]:
    """Live courses for ``user``'s audience, in the active language where translated."""
    audiences = audiences_for(user)
    if not audiences:
        return []
    locale = Locale.get_active()
    courses = CoursePage.objects.live().filter(audience__in=audiences)
    chosen: dict[uuid.UUID, CoursePage] = {}
    for course in courses.order_by("path"):
        current = chosen.get(course.translation_key)
        if current is None or (course.locale_id == locale.pk and current.locale_id != locale.pk):
            chosen[course.translation_key] = course
    return sorted(chosen.values(), key=lambda course: course.title.lower())


def catalogue_for(*, user: Visitor, catalogue: CatalogueIndexPage) -> list[CatalogueEntry]:
    courses = courses_visible_to(user)
    statuses: dict[uuid.UUID, str] = {}
    if user.is_authenticated:
        statuses = dict(
            Enrolment.objects.filter(
                learner=user, course_key__in=[course.translation_key for course in courses]
            ).values_list("course_key", "status")
        )
    return [CatalogueEntry(course, statuses.get(course.translation_key)) for course in courses]


@dataclass
class EnrolmentSummary:
    enrolment: Enrolment
    course: CoursePage | None
    total: int
    done: int
    next_lesson: LessonPage | None
    # What an officer's learner page shows beside the progress: active time measured on
    # the lessons, each activity's best score (0..100) and attempts, when it ended, and
    # the learner's last activity on the course.
    seconds: int = 0
    scores: list[tuple[int, int]] = field(default_factory=list)
    completed_at: datetime | None = None
    last_activity: datetime | None = None

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def courses_staff_may_assign(learner: User) -> list[CoursePage]:
    """The courses an education officer may enrol ``learner`` on: those open to the
    learner, less every voluntary programme (only the person chooses those). The same list
    whatever the person takes part in: a voluntary programme among a course's prerequisites
    does not count unless the course is voluntary itself (``effective_prerequisites``)."""
    excluded = set(CoursePage.objects.voluntary_keys().values_list("translation_key", flat=True))
    return [
        course for course in courses_visible_to(learner) if course.translation_key not in excluded
    ]


def enrolment_summaries(*, viewer: User, learner: User) -> list[EnrolmentSummary]:
    """``learner``'s enrolments with progress, as ``viewer`` may see them. A constant
    number of queries, however many enrolments and lessons.

    Anyone but the learner gets no enrolment in a voluntary programme
    (``CoursePage.objects.voluntary_keys``), nor one whose course no longer exists at all
    (nothing is left to tell whether it was one)."""
    visible = Enrolment.objects.visible_to(viewer).filter(learner=learner)
    if viewer.pk != learner.pk:
        visible = visible.exclude(course_key__in=CoursePage.objects.voluntary_keys()).filter(
            course_key__in=CoursePage.objects.values("translation_key")
        )
    enrolments = list(visible.order_by("-status_changed_at"))
    if not enrolments:
        return []
    keys = {enrolment.course_key for enrolment in enrolments}
    courses = _translations(keys)
    locale = Locale.get_active()
    display: dict[uuid.UUID, CoursePage] = {}
    for translation in courses:
        if translation.translation_key not in display or translation.locale_id == locale.pk:
            display[translation.translation_key] = translation
    lessons_by_key: dict[uuid.UUID, list[LessonPage]] = defaultdict(list)
    for key, lessons in _lessons_by_course_key(courses).items():
        lessons_by_key[key].extend(lessons)
    all_keys = {lesson.translation_key for lessons in lessons_by_key.values() for lesson in lessons}
    done = _done_keys(learner, all_keys)
    work = _work_by_enrolment([enrolment.pk for enrolment in enrolments])
    summaries = []
    for enrolment in enrolments:
        course = display.get(enrolment.course_key)
        lessons = (
            _pick_lessons(lessons_by_key[enrolment.course_key], locale.pk, course.locale_id)
            if course
            else []
        )
        next_lesson = next((ls for ls in lessons if ls.translation_key not in done), None)
        summaries.append(
            EnrolmentSummary(
                enrolment=enrolment,
                course=course,
                total=len(lessons),
                done=sum(1 for lesson in lessons if lesson.translation_key in done),
                next_lesson=next_lesson,
                **work.get(enrolment.pk, {}),
            )
        )
    return summaries


def _work_by_enrolment(enrolment_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict]:
    """Time, scores, completion and last activity of each enrolment, in three queries."""
    from django.db.models import Max, Sum

    work: dict[uuid.UUID, dict] = defaultdict(lambda: {"scores": []})
    moments: dict[uuid.UUID, list[datetime]] = defaultdict(list)
    for row in (
        LessonProgress.objects.filter(enrolment_id__in=enrolment_ids)
        .values("enrolment_id")
        .annotate(
            seconds=Sum("seconds_spent"),
            done_at=Max("completed_at"),
            reported_at=Max("time_reported_at"),
            opened_at=Max("created_at"),
        )
    ):
        work[row["enrolment_id"]]["seconds"] = row["seconds"] or 0
        moments[row["enrolment_id"]] += [row["done_at"], row["reported_at"], row["opened_at"]]
    for result in ActivityResult.objects.filter(enrolment_id__in=enrolment_ids).order_by("pk"):
        work[result.enrolment_id]["scores"].append(
            (round(100 * result.best_score), result.attempts)
        )
        moments[result.enrolment_id].append(result.updated_at)
    for enrolment_id, completed_at in CourseCompletion.objects.filter(
        enrolment_id__in=enrolment_ids
    ).values_list("enrolment_id", "completed_at"):
        work[enrolment_id]["completed_at"] = completed_at
        moments[enrolment_id].append(completed_at)
    for enrolment_id, seen in moments.items():
        seen = [moment for moment in seen if moment]
        work[enrolment_id]["last_activity"] = max(seen) if seen else None
    return dict(work)


def learners_visible_to(viewer: User) -> list[User]:
    """The learners ``viewer`` manages (``lms.core.policy.learners_managed_by``)."""
    return list(
        learners_managed_by(viewer)
        .filter(is_active=True)
        .exclude(pk=viewer.pk)
        .select_related("facility", "unit")
        .order_by("facility__name", "last_name", "first_name")
    )


def courses_for_learner_filter() -> list[CoursePage]:
    """Live courses an officer may filter learners by: every audience, never a voluntary
    programme, one per course in the active language where translated."""
    locale = Locale.get_active()
    voluntary = CoursePage.objects.voluntary_keys()
    chosen: dict[uuid.UUID, CoursePage] = {}
    for course in CoursePage.objects.live().exclude(translation_key__in=voluntary):
        current = chosen.get(course.translation_key)
        if current is None or (course.locale_id == locale.pk and current.locale_id != locale.pk):
            chosen[course.translation_key] = course
    return sorted(chosen.values(), key=lambda course: course.title.lower())


@dataclass
class LearnerListFilters:
    """What an officer narrows the learner list by (every field optional)."""

    query: str = ""
    unit_id: int | None = None
    course_key: uuid.UUID | None = None
    status: str = ""


def learner_list(*, viewer: User, filters: LearnerListFilters):
    """The learners ``viewer`` manages (``learners_managed_by``), narrowed by ``filters``
    (name or number; unit; an enrolment on a course, in a status), each annotated with
    counts of enrolments in progress and completed. Voluntary programmes never count nor
    filter (``CoursePage.objects.voluntary_keys``), so the list reveals nothing of them.
    One query for the page, whatever its length."""
    from django.db.models import Count, Q

    ordinary = ~Q(enrolments__course_key__in=CoursePage.objects.voluntary_keys())
    learners = (
        learners_managed_by(viewer)
        .filter(is_active=True)
        .exclude(pk=viewer.pk)
        .select_related("facility", "unit")
    )
    if filters.query:
        for word in filters.query.split()[:5]:
            learners = learners.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
                | Q(prisoner_number__icontains=word)
            )
    if filters.unit_id:
        learners = learners.filter(unit_id=filters.unit_id)
    if filters.course_key or filters.status:
        wanted = Enrolment.objects.exclude(course_key__in=CoursePage.objects.voluntary_keys())
        if filters.course_key:
            wanted = wanted.filter(course_key=filters.course_key)
        if filters.status:
            wanted = wanted.filter(status=filters.status)
        learners = learners.filter(pk__in=wanted.values("learner_id"))
    return learners.annotate(
        courses_active=Count(
            "enrolments",
            filter=ordinary & Q(enrolments__status=Enrolment.Status.ACTIVE),
            distinct=True,
        ),
        courses_completed=Count(
            "enrolments",
            filter=ordinary & Q(enrolments__status=Enrolment.Status.COMPLETED),
            distinct=True,
        ),
    ).order_by("facility__name", "last_name", "first_name", "pk")


# Where ``programme_areas_editable_by`` keeps its answer for the rest of the request (the
# user object lives as long as the request, like Wagtail's own permission cache).
_EDITABLE_AREAS_CACHE = "_qadam_editable_areas"


def programme_areas_editable_by(user: Visitor) -> list[ProgrammeAreaPage]:
    """The programme areas, in every language, whose pages ``user`` may edit: Wagtail's
    page permission policy (``instances_user_has_permission_for(user, "change")``, the rule
    Wagtail's own reports use), so "change" granted on an area or above it, or "add" on an
    area the user owns. Superusers (administrators) get every area; anyone inactive or
    signed out none.

    At most two queries, whatever the number of areas (the user's page permissions, which
    Wagtail keeps on the user, and the areas), and none more for the rest of the request:
    the admin menu asks on every admin page. Reads only."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _EDITABLE_AREAS_CACHE, None)
    if cached is None:
        from wagtail.permissions import policy_registry

        editable = policy_registry.get_by_type(Page).instances_user_has_permission_for(
            user, "change"
        )
        cached = list(
            ProgrammeAreaPage.objects.filter(pk__in=editable.values("pk")).order_by("path")
        )
        setattr(user, _EDITABLE_AREAS_CACHE, cached)
    return cached


def page_for_request(*, model: type[CoursePage] | type[LessonPage], request, page_id: int):
    """The live course or lesson ``page_id`` if ``request.user`` may open it (its audience,
    and the view restrictions the page itself would ask for), else None. The page comes from
    what the process remembers (``lms.core.serving``): endpoints acting on a lesson (time
    reports, H5P files and statements, progress, quizzes, consent) are asked often."""
    page = memoised(
        ("live_page", model._meta.label, page_id),
        lambda: model.objects.live().filter(pk=page_id).first(),
    )
    if page is None or not audience_allows(request.user, page.audience):
        return None
    if not view_restrictions_pass(request, page):
        return None
    return page


# --- What the pages show (``courses.models.pages.ReadsContext``) ----------------------------


@page_context_reader(CatalogueIndexPage)
def catalogue_page_context(*, request: HttpRequest, page: CatalogueIndexPage) -> dict[str, Any]:
    """The catalogue page: the courses the visitor may take, by programme area, and for
    staff the guideline index."""
    entries = catalogue_for(user=request.user, catalogue=page)
    by_type: dict[str, list[CatalogueEntry]] = {}
    for entry in entries:
        by_type.setdefault(entry.course.programme_type, []).append(entry)
    context: dict[str, Any] = {
        "entries": entries,
        "areas": [
            (area, by_type[area.programme_type])
            for area in ProgrammeAreaPage.objects.child_of(page).live().order_by("path")
            if area.programme_type in by_type
        ],
    }
    if getattr(request.user, "is_staff_member", False):
        context["guideline_index"] = (
            Page.objects.child_of(page).live().filter(content_type__app_label="guidelines").first()
        )
    return context


@page_context_reader(ProgrammeAreaPage)
def programme_area_page_context(*, request: HttpRequest, page: ProgrammeAreaPage) -> dict[str, Any]:
    """A programme area's page: the catalogue's entries of its programme type."""
    return {
        "entries": [
            entry
            for entry in catalogue_for(user=request.user, catalogue=page.get_parent())
            if entry.course.programme_type == page.programme_type
        ]
    }


@page_context_reader(CoursePage)
def course_page_context(*, request: HttpRequest, page: CoursePage) -> dict[str, Any]:
    """A course's page: its lessons and the visitor's progress (``course_overview``)."""
    return {"overview": course_overview(user=request.user, course=page)}


@page_context_reader(LessonPage)
def lesson_page_context(*, request: HttpRequest, page: LessonPage) -> dict[str, Any]:
    """A lesson's page: where it sits in the course and the visitor's results."""
    return {"overview": lesson_overview(user=request.user, lesson=page)}


def learners_by_numbers(*, viewer: User, text: str) -> tuple[list[User], list[str]]:
    """The learners ``viewer`` manages whose prisoner number or username is among those
    typed in ``text`` (one a line, or separated by commas or spaces), and the numbers that
    match nobody ``viewer`` manages (the same answer whether or not such a person exists
    elsewhere)."""
    import re

    numbers = list(dict.fromkeys(word for word in re.split(r"[\s,;]+", text) if word))
    if not numbers:
        return [], []
    found = list(
        learners_managed_by(viewer)
        .filter(is_active=True)
        .filter(Q(prisoner_number__in=numbers) | Q(username__in=numbers))
        .select_related("facility", "unit")
    )
    known = {value for learner in found for value in (learner.prisoner_number, learner.username)}
    return found, [number for number in numbers if number not in known]
