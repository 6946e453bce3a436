"""Marking native quizzes. Pure: the quiz's block value and the learner's choices in, a
marking out. The browser only ever sends which answers were chosen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class QuestionMarking:
    index: int
    correct: bool
    chosen: tuple[int, ...]
    feedback: list[str] = field(default_factory=list)
    explanation: str = ""


@dataclass(frozen=True)
class QuizMarking:
    questions: list[QuestionMarking]

    @property
    def score(self) -> int:
        return sum(1 for question in self.questions if question.correct)

    @property
    def max_score(self) -> int:
        return len(self.questions)

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.max_score) if self.max_score else 0

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {"index": q.index, "correct": q.correct, "chosen": list(q.chosen)}
            for q in self.questions
        ]


TRUE, FALSE = 0, 1  # the two options of a true-or-false question, in display order


def parse_answers(data: Mapping[str, Any], question_count: int) -> dict[int, tuple[int, ...]]:
    """Choices from form data (``q-<n>`` -> answer indexes). Anything malformed or out of
    range is dropped, so it can only count as a wrong answer."""
    answers: dict[int, tuple[int, ...]] = {}
    getlist = getattr(data, "getlist", lambda key: [data[key]] if key in data else [])
    for index in range(question_count):
        chosen = []
        for raw in getlist(f"q-{index}"):
            try:
                chosen.append(int(raw))
            except (TypeError, ValueError):
                continue
        answers[index] = tuple(sorted(set(chosen)))
    return answers


def mark_quiz(
    questions: Sequence[Mapping[str, Any]], answers: Mapping[int, Sequence[int]]
) -> QuizMarking:
    """A question scores when the chosen set equals the correct set exactly."""
    markings = []
    for index, question in enumerate(questions):
        chosen = tuple(sorted(set(answers.get(index, ()))))
        if question["kind"] == "true_false":
            correct_set = (TRUE,) if question["statement_is_true"] else (FALSE,)
            feedback: list[str] = []
        else:
            options = list(question["answers"])
            correct_set = tuple(i for i, option in enumerate(options) if option["correct"])
            feedback = [
                options[i]["feedback"]
                for i in chosen
                if 0 <= i < len(options) and options[i]["feedback"]
            ]
        markings.append(
            QuestionMarking(
                index=index,
                correct=chosen == correct_set,
                chosen=chosen,
                feedback=feedback,
                explanation=question.get("explanation") or "",
            )
        )
    return QuizMarking(markings)
