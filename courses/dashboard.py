"""The trainer's panel on the Wagtail dashboard: the courses they own, how many learners
each has, and the languages each still lacks (a missing translation, or lessons whose
translation lacks blocks of their source: ``translation_gaps``).

Counts of a voluntary programme's learners are special-category figures: shown only
through small-cell suppression (``lms.core.suppression``), for trainers as for everyone."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import HttpRequest
from wagtail.admin.ui.components import Component
from wagtail.models import Locale

from lms.core.models import User
from lms.core.suppression import Cell, suppress_total

from .models import CoursePage, Enrolment
from .translation_gaps import translations_out_of_step

MAX_COURSES = 20


@dataclass
class OwnCourse:
    course: CoursePage
    enrolled: int | Cell
    completed: int | Cell
    missing_languages: list[str] = field(default_factory=list)
    lessons_out_of_step: int = 0


def courses_of_author(user: User) -> list[OwnCourse]:
    """The courses ``user`` owns (one row per course, in its source language), newest
    change first, with learner counts and what their translations lack. A fixed number of
    queries whatever the number of courses; the translation report reads only these
    courses' lessons."""
    if not user.is_authenticated:
        return []
    owned = list(
        CoursePage.objects.filter(owner=user, alias_of__isnull=True)
        .select_related("locale")
        .order_by("-latest_revision_created_at")[: MAX_COURSES * 3]
    )
    by_key: dict[uuid.UUID, CoursePage] = {}
    for course in owned:
        by_key.setdefault(course.translation_key, course)
    courses = list(by_key.values())[:MAX_COURSES]
    keys = [c.translation_key for c in courses]
    counts = {
        row["course_key"]: row
        for row in Enrolment.objects.filter(course_key__in=keys)
        .values("course_key")
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
        )
    }
    languages = {locale.language_code: locale for locale in Locale.objects.all()}
    versions = CoursePage.objects.filter(translation_key__in=keys).values_list(
        "translation_key", "locale__language_code", "path"
    )
    present: dict[uuid.UUID, set[str]] = {key: set() for key in keys}
    course_of_path: dict[str, uuid.UUID] = {}
    for key, language, path in versions:
        present[key].add(language)
        course_of_path[path] = key
    out_of_step: Counter[uuid.UUID] = Counter()
    for gap in translations_out_of_step(user=user, course_keys=keys):
        # The lesson's course: the version whose path it lies under (also in a module).
        for path, key in course_of_path.items():
            if gap.lesson.path.startswith(path):
                out_of_step[key] += 1
                break
    rows = []
    for course in courses:
        row = counts.get(course.translation_key, {"enrolled": 0, "completed": 0})
        enrolled: int | Cell = row["enrolled"]
        completed: int | Cell = row["completed"]
        if course.is_voluntary:
            enrolled, completed = suppress_total(row["enrolled"]), suppress_total(row["completed"])
        rows.append(
            OwnCourse(
                course=course,
                enrolled=enrolled,
                completed=completed,
                missing_languages=[
                    languages[code].get_display_name()
                    for code in sorted(languages)
                    if code not in present[course.translation_key]
                ],
                lessons_out_of_step=out_of_step[course.translation_key],
            )
        )
    return rows


class MyCoursesPanel(Component):
    name = "qadam_my_courses"
    order = 90
    template_name = "courses/admin/my_courses_panel.html"

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def get_context_data(self, parent_context=None):
        return {"rows": courses_of_author(self.request.user), "request": self.request}
