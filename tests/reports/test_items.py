"""Item analysis: which quiz question most learners get wrong at their first attempt,
hand-counted, for trainers and administrators only, with small counts not published."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from courses.blocks import QuizBlock
from courses.models import QuizAttempt
from lms.core.models import User
from reports.items import item_analysis
from tests import factories

pytestmark = pytest.mark.django_db


def quiz_lesson(course):
    lesson = course.lessons().specific().first()
    lesson.body = [
        (
            "quiz",
            QuizBlock().to_python(
                {
                    "title": "Safety check",
                    "pass_mark": 50,
                    "questions": [
                        {
                            "kind": "true_false",
                            "prompt": "Goggles always?",
                            "statement_is_true": True,
                        },
                        {
                            "kind": "true_false",
                            "prompt": "Gloves near the lathe?",
                            "statement_is_true": False,
                        },
                    ],
                }
            ),
        )
    ]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson, lesson.body[0].id


def attempt(lesson, block_id, learner, correct):
    QuizAttempt.objects.create(
        learner=learner,
        lesson_key=lesson.translation_key,
        activity_key=block_id,
        submission_key=uuid.uuid4(),
        answers=[{"index": i, "correct": ok, "chosen": []} for i, ok in enumerate(correct)],
        score=sum(correct),
        max_score=len(correct),
        passed=sum(correct) >= 1,
    )


@pytest.fixture
def answered(facility_a):
    course = factories.make_course(title="Lathe work", lessons=1)
    lesson, block_id = quiz_lesson(course)
    # Ten learners' first attempts: question 1 wrong for 6, question 2 wrong for 2.
    for i in range(10):
        learner = factories.PrisonerFactory(facility=facility_a)
        attempt(lesson, block_id, learner, [i >= 6, i >= 2])
        attempt(lesson, block_id, learner, [True, True])  # a retry does not count
    return course


def test_the_share_wrong_at_the_first_attempt_is_the_hand_count(answered):
    (quiz,) = item_analysis(answered)
    assert quiz.quiz_title == "Safety check" and quiz.first_attempts.value == 10
    assert [(q.number, q.wrong_percent) for q in quiz.questions] == [
        (1, 60.0),
        (2, None),  # 2 of 10 would give back two people: not published
    ]
    assert quiz.hardest.number == 1


def test_trainers_and_administrators_see_it_and_no_one_else(client, answered, facility_a):
    url = reverse("reports:items", args=[answered.pk])
    trainer = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    client.force_login(trainer)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Goggles always?" in page and "60,0%" in page
    for role in (User.Role.MONITOR, User.Role.EDUCATION_OFFICER, User.Role.STAFF_LEARNER):
        client.force_login(factories.UserFactory(role=role, facility=facility_a))
        assert client.get(url).status_code == 403
