from .learning import (
    ActivityResult,
    CourseCompletion,
    Enrolment,
    EnrolmentTransitionError,
    LessonProgress,
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
    "ModulePage",
    "ProgrammeAreaPage",
    "QuizAttempt",
    "ProgrammeType",
]
