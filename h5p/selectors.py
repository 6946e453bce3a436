"""Reads for H5P: which lessons use a content, and the results report."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from wagtail.models import ReferenceIndex

from courses.models import ActivityResult, CoursePage, LessonPage
from lms.core.models import User
from lms.core.policy import people_visible_to

from .models import H5PContent, XAPIStatement


@dataclass
class ActivityReport:
    lesson: LessonPage
    block_id: str
    pass_mark: int
    learners: int = 0
    attempts: int = 0
    passed: int = 0
    average: float | None = None
    rows: list[ActivityResult] = field(default_factory=list)
    # A lesson of a voluntary programme: figures only, never names (taking part reveals
    # religious belief).
    names_withheld: bool = False


def content_lessons(content: H5PContent) -> list[LessonPage]:
    """Lessons (live or draft) whose body uses ``content`` (Wagtail's reference index)."""
    page_ids = (
        ReferenceIndex.get_references_to(content)
        .filter(base_content_type__app_label="wagtailcore", base_content_type__model="page")
        .values_list("object_id", flat=True)
    )
    return list(LessonPage.objects.filter(pk__in=[int(pk) for pk in page_ids]))


def content_report(*, viewer: User, content: H5PContent) -> list[ActivityReport]:
    """Per activity (a lesson block using ``content``): figures for everyone with the
    view permission; named rows only for the learners ``viewer`` may see
    (``lms.core.policy.people_visible_to``), and never in a voluntary programme's lesson."""
    reports = []
    visible = people_visible_to(viewer)
    voluntary = set(CoursePage.objects.voluntary_keys().values_list("translation_key", flat=True))
    for lesson in content_lessons(content):
        for block in lesson.body:
            if (
                block.block_type != "h5p"
                or getattr(block.value.get("content"), "pk", None) != content.pk
            ):
                continue
            results = ActivityResult.objects.filter(
                lesson_key=lesson.translation_key, activity_key=block.id
            )
            figures = results.aggregate(
                learners=Count("id"),
                passed=Count("id", filter=Q(passed_at__isnull=False)),
                average=Avg("best_score"),
            )
            report = ActivityReport(
                lesson=lesson,
                block_id=block.id,
                pass_mark=block.value["pass_mark"],
                learners=figures["learners"],
                passed=figures["passed"],
                average=figures["average"],
                attempts=XAPIStatement.objects.filter(
                    lesson_key=lesson.translation_key, activity_key=block.id, counted=True
                ).count(),
            )
            if lesson.course.translation_key in voluntary:
                report.names_withheld = True
            else:
                report.rows = list(
                    results.filter(learner__in=visible)
                    .select_related("learner", "learner__facility")
                    .order_by("-best_score")
                )
            reports.append(report)
    return reports
