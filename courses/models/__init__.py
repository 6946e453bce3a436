from .learning import (
    ActivityResult,
    CourseCompletion,
    Enrolment,
    EnrolmentTransitionError,
    LessonProgress,
    LessonTimeReport,
    QuizAttempt,
)
from .pages import (
    CatalogueIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    ProgrammeAreaPage,
    ProgrammeType,
)

__all__ = [
    "ActivityResult",
    "CatalogueIndexPage",
    "CourseCompletion",
    "CoursePage",
    "Enrolment",
    "EnrolmentTransitionError",
    "LessonPage",
    "LessonProgress",
    "LessonTimeReport",
    "ModulePage",
    "ProgrammeAreaPage",
    "QuizAttempt",
    "ProgrammeType",
]
