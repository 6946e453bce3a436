"""Item analysis for trainers: for each quiz of a course, how many learners got each
question wrong at their first attempt (the attempt that shows what was understood before
any retry), so a trainer sees which question most get wrong.

Figures only, over every facility: the number of first attempts is a published count
(``suppress_total``), and a share wrong only as ``lms.core.suppression.rate`` allows (over
at least the threshold of attempts, and never a share that gives back a small count).
Quiz attempts are keyed by lesson and block, which every language version of a lesson
shares, so the figures count every language together. One query for the attempts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from courses.blocks import QuizBlock
from courses.models import CoursePage, QuizAttempt
from lms.core.suppression import Cell, rate, suppress_total


@dataclass(frozen=True)
class QuestionItem:
    number: int
    prompt: str
    wrong_percent: float | None  # None: not publishable


@dataclass(frozen=True)
class QuizItems:
    lesson_title: str
    quiz_title: str
    first_attempts: Cell
    questions: list[QuestionItem]

    @property
    def hardest(self) -> QuestionItem | None:
        shown = [q for q in self.questions if q.wrong_percent is not None]
        return max(shown, key=lambda q: q.wrong_percent or 0) if shown else None


def item_analysis(course: CoursePage) -> list[QuizItems]:
    """Each quiz of ``course`` (the lessons of this language version, in order) with its
    first attempts and the share of them that got each question wrong."""
    quizzes: list[tuple[Any, Any]] = []
    for lesson in course.lessons():
        for block in lesson.body:
            if isinstance(block.block, QuizBlock):
                quizzes.append((lesson, block))
    if not quizzes:
        return []
    firsts: dict[tuple[Any, str], dict[int, list[dict]]] = defaultdict(dict)
    for learner_id, lesson_key, activity_key, answers in (
        QuizAttempt.objects.filter(
            lesson_key__in={lesson.translation_key for lesson, _block in quizzes}
        )
        .order_by("created_at", "pk")
        .values_list("learner_id", "lesson_key", "activity_key", "answers")
    ):
        firsts[(lesson_key, activity_key)].setdefault(learner_id, answers)
    out = []
    for lesson, block in quizzes:
        attempts = list(firsts.get((lesson.translation_key, block.id), {}).values())
        wrong: dict[int, int] = defaultdict(int)
        for answers in attempts:
            for answer in answers or []:
                if not answer.get("correct"):
                    wrong[int(answer.get("index", -1))] += 1
        out.append(
            QuizItems(
                lesson_title=lesson.title,
                quiz_title=block.value["title"],
                first_attempts=suppress_total(len(attempts)),
                questions=[
                    QuestionItem(
                        number=index + 1,
                        prompt=question["prompt"],
                        wrong_percent=rate(wrong[index], len(attempts)),
                    )
                    for index, question in enumerate(block.value["questions"])
                ],
            )
        )
    return out
