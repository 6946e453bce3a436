from .learning import (
    CourseCompletion,
    Enrolment,
    EnrolmentTransitionError,
    LessonProgress,
)
from .pages import CatalogueIndexPage, CompletionRule, CoursePage, LessonPage, ProgrammeType

__all__ = [
    "CatalogueIndexPage",
    "CompletionRule",
    "CourseCompletion",
    "CoursePage",
    "Enrolment",
    "EnrolmentTransitionError",
    "LessonPage",
    "LessonProgress",
    "ProgrammeType",
]
