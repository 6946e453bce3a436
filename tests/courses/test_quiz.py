"""Native quizzes: marked on the server, best result kept, double submits counted once."""

import uuid

import pytest
from django.urls import reverse

from courses.models import ActivityResult, CourseCompletion, QuizAttempt
from courses.quiz import mark_quiz, parse_answers
from courses.selectors import course_required_activities
from courses.services import enrolment_create
from tests import factories
from tests.kiosk_client import sign_in

QUESTIONS = [
    {
        "kind": "single",
        "prompt": "Which tool cuts metal?",
        "answers": [
            {"text": "Hacksaw", "correct": True, "feedback": "Yes: a hacksaw cuts metal."},
            {"text": "Hammer", "correct": False, "feedback": "A hammer does not cut."},
        ],
        "statement_is_true": False,
        "explanation": "",
    },
    {
        "kind": "multiple",
        "prompt": "Which protect your eyes?",
        "answers": [
            {"text": "Goggles", "correct": True, "feedback": ""},
            {"text": "Face shield", "correct": True, "feedback": ""},
            {"text": "Gloves", "correct": False, "feedback": "Gloves protect hands."},
        ],
        "statement_is_true": False,
        "explanation": "Both goggles and shields protect eyes.",
    },
    {
        "kind": "true_false",
        "prompt": "You may weld without a mask.",
        "answers": [],
        "statement_is_true": False,
        "explanation": "",
    },
]


def test_each_question_scores_only_when_the_chosen_set_is_exactly_right():
    marking = mark_quiz(QUESTIONS, {0: (0,), 1: (0,), 2: (1,)})
    assert [q.correct for q in marking.questions] == [True, False, True]
    assert (marking.score, marking.max_score, marking.percent) == (2, 3, 67)
    assert marking.questions[0].feedback == ["Yes: a hacksaw cuts metal."]
    assert marking.questions[1].explanation == "Both goggles and shields protect eyes."


def test_malformed_or_out_of_range_answers_count_as_wrong():
    from django.http import QueryDict

    data = QueryDict("q-0=7&q-1=x&q-1=0&q-1=1&q-2=&score=100")
    answers = parse_answers(data, 3)
    assert answers == {0: (7,), 1: (0, 1), 2: ()}
    marking = mark_quiz(QUESTIONS, answers)
    assert [q.correct for q in marking.questions] == [False, True, False]


@pytest.fixture
def quiz_lesson(db):
    course = factories.make_course(lessons=1)
    course.complete_when_all_lessons_done = False
    course.complete_when_activities_passed = True
    course.save_revision().publish()
    lesson = course.lessons().specific().get()
    lesson.body = [
        ("text", "<p>Read first.</p>"),
        (
            "quiz",
            {"title": "Safety check", "pass_mark": 100, "required": True, "questions": QUESTIONS},
        ),
    ]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


def quiz_id(lesson):
    return next(block.id for block in lesson.body if block.block_type == "quiz")


def submit(client, lesson, answers, key=None):
    data = {"submission_key": str(key or uuid.uuid4()), **answers}
    return client.post(reverse("learning:quiz_submit", args=[lesson.pk, quiz_id(lesson)]), data)


@pytest.mark.django_db
def test_required_quizzes_are_found_in_the_course(quiz_lesson):
    course = quiz_lesson.course
    assert course_required_activities(course) == {
        quiz_lesson.translation_key: [{quiz_id(quiz_lesson)}]
    }


@pytest.mark.django_db
def test_a_learner_fails_then_passes_and_completes_the_course(client, prisoner, quiz_lesson):
    enrolment_create(actor=prisoner, learner=prisoner, course=quiz_lesson.course)
    sign_in(client, prisoner)
    submit(client, quiz_lesson, {"q-0": "1", "q-1": ["0", "1"], "q-2": "1"})
    page = client.get(quiz_lesson.get_url()).content.decode()
    assert "Not yet. Read the feedback and try again." in page
    assert "A hammer does not cut." in page
    assert not CourseCompletion.objects.exists()

    submit(client, quiz_lesson, {"q-0": "0", "q-1": ["0", "1"], "q-2": "1", "score": "999"})
    page = client.get(quiz_lesson.get_url()).content.decode()
    assert "Well done, you passed." in page
    assert "3 of 3 right." in page
    result = ActivityResult.objects.get(learner=prisoner)
    assert result.passed and result.attempts == 2
    assert CourseCompletion.objects.filter(learner=prisoner).count() == 1


@pytest.mark.django_db
def test_a_double_submit_records_one_attempt(client, prisoner, quiz_lesson):
    enrolment_create(actor=prisoner, learner=prisoner, course=quiz_lesson.course)
    sign_in(client, prisoner)
    key = uuid.uuid4()
    submit(client, quiz_lesson, {"q-0": "0"}, key=key)
    submit(client, quiz_lesson, {"q-0": "0"}, key=key)
    assert QuizAttempt.objects.count() == 1
    assert ActivityResult.objects.get().attempts == 1


@pytest.mark.django_db
def test_answers_without_an_enrolment_are_refused_and_nothing_is_kept(
    client, prisoner, quiz_lesson
):
    sign_in(client, prisoner)
    response = submit(client, quiz_lesson, {"q-0": "0"})
    assert response.status_code == 302
    assert not QuizAttempt.objects.exists() and not ActivityResult.objects.exists()


@pytest.mark.django_db
def test_an_unknown_quiz_id_is_not_found(client, prisoner, quiz_lesson):
    sign_in(client, prisoner)
    url = reverse("learning:quiz_submit", args=[quiz_lesson.pk, "not-a-block"])
    assert client.post(url, {"submission_key": str(uuid.uuid4())}).status_code == 404
