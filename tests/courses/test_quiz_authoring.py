"""Authoring quizzes in the Wagtail editor: a true/false question is valid as the editor
adds it, and autosave never leaves a stray draft of a lesson that failed validation (the
next publish would then find its address taken)."""

import json

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.blocks import QuestionBlock, QuizBlock
from courses.models import LessonPage
from lms.core.models import User
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_ACCEPT": "application/json"}


def list_block(items):
    """ListBlock form data, as the editor posts it."""
    data = {
        str(index): {"value": item, "deleted": "", "order": str(index), "id": ""}
        for index, item in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def empty_answer_row():
    """The answer row the editor shows for a new question (the list's default)."""
    return {"text": "", "correct": "", "feedback": ""}


def single_choice(answers):
    return {
        "kind": "single",
        "prompt": "Tiles are?",
        "answers": list_block(answers),
        "statement_is_true": "",
        "explanation": "",
    }


def true_false(prompt="Tiles are flat.", answers=None):
    question = {
        "kind": "true_false",
        "prompt": prompt,
        "answers": list_block([empty_answer_row()] if answers is None else answers),
        "statement_is_true": "on",
        "explanation": "",
    }
    return question


def lesson_form(questions, action="action-publish", title="Laying tiles", slug="laying"):
    quiz = {
        "pass_mark": "60",
        "required": "on",
        "title": "Check",
        "questions": list_block(questions),
    }
    data = {
        "title": title,
        "slug": slug,
        "estimated_minutes": "10",
        "body": streamfield([("quiz", quiz)]),
    }
    if action:
        data[action] = action
    return nested_form_data(data)


@pytest.fixture
def course():
    return factories.make_course(title="Tiling", lessons=0)


@pytest.fixture
def trainer(client):
    user = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    sign_in(client, user)
    return user


def add_lesson_url(course):
    return reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])


def test_a_true_false_question_as_the_editor_adds_it_is_valid():
    question = QuestionBlock()
    default = question.get_default()
    default["kind"] = "true_false"
    default["prompt"] = "Tiles are flat."
    cleaned = question.clean(default)
    assert list(cleaned["answers"]) == []


def test_a_quiz_as_the_editor_adds_it_with_a_true_false_question_is_valid():
    quiz = QuizBlock()
    default = quiz.get_default()
    default["title"] = "Check"
    default["questions"][0]["kind"] = "true_false"
    default["questions"][0]["prompt"] = "Tiles are flat."
    quiz.clean(default)


def test_the_editor_publishes_a_true_false_question_with_its_empty_answer_row(
    client, trainer, course
):
    response = client.post(add_lesson_url(course), lesson_form([true_false()]))
    assert response.status_code == 302, response.context["form"].errors
    lesson = LessonPage.objects.get(slug="laying")
    assert lesson.live
    question = lesson.body[0].value["questions"][0]
    assert question["kind"] == "true_false" and list(question["answers"]) == []


def test_a_blank_answer_row_is_dropped_but_a_choice_question_still_needs_two_answers(
    client, trainer, course
):
    answers = [
        {"text": "Flat", "correct": "on", "feedback": ""},
        empty_answer_row(),
    ]
    response = client.post(add_lesson_url(course), lesson_form([single_choice(answers)]))
    assert response.status_code == 200
    assert "Give at least two answers." in response.content.decode()
    assert not LessonPage.objects.filter(slug="laying").exists()


def test_an_answer_with_feedback_but_no_text_is_refused(client, trainer, course):
    answers = [
        {"text": "Flat", "correct": "on", "feedback": ""},
        {"text": "Round", "correct": "", "feedback": ""},
        {"text": "", "correct": "", "feedback": "Not quite"},
    ]
    response = client.post(add_lesson_url(course), lesson_form([single_choice(answers)]))
    assert response.status_code == 200
    assert not LessonPage.objects.filter(slug="laying").exists()


def test_the_missing_text_error_is_on_the_row_the_editor_shows():
    from wagtail.blocks import StructBlockValidationError

    block = QuestionBlock()
    value = block.to_python(
        {
            "kind": "single",
            "prompt": "Tiles are?",
            "answers": [
                {"text": "", "correct": False, "feedback": ""},  # left empty: dropped
                {"text": "Flat", "correct": True, "feedback": ""},
                {"text": "", "correct": False, "feedback": "Not quite"},
            ],
            "statement_is_true": False,
            "explanation": "",
        }
    )
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    rows = refused.value.block_errors["answers"].block_errors
    assert list(rows) == [2]
    assert "Write the answer, or remove the row." in str(rows[2].block_errors["text"])


def invalid_question():
    """A question without its prompt: the publish fails, a deferred (draft) save passes."""
    return true_false(prompt="")


def test_autosave_after_a_failed_publish_leaves_no_draft_and_the_next_publish_works(
    client, trainer, course
):
    url = add_lesson_url(course)
    # 1. Publishing an invalid quiz fails validation: the editor stays on the create view.
    failed = client.post(url, lesson_form([invalid_question()]))
    assert failed.status_code == 200
    assert not LessonPage.objects.filter(slug="laying").exists()
    # 2. Autosave posts the same content (no action, JSON): it creates no page from it.
    autosave = client.post(url, lesson_form([invalid_question()], action=None), **AUTOSAVE)
    assert autosave.status_code == 400
    assert json.loads(autosave.content)["success"] is False
    assert not LessonPage.objects.filter(slug="laying").exists()
    # 3. The author mends the quiz and publishes: the address is still free.
    mended = true_false(prompt="Tiles are flat.")
    published = client.post(url, lesson_form([mended]))
    assert published.status_code == 302, published.context["form"].errors
    assert LessonPage.objects.get(slug="laying").live


def test_autosave_of_valid_content_still_creates_the_draft(client, trainer, course):
    response = client.post(
        add_lesson_url(course), lesson_form([true_false()], action=None), **AUTOSAVE
    )
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert body["success"] is True
    lesson = LessonPage.objects.get(slug="laying")
    assert not lesson.live and body["pk"] == lesson.pk


def test_a_submit_to_the_create_view_after_autosave_made_the_page_edits_that_page(
    client, trainer, course
):
    """The editor's script switches to the edit view once autosave made the page; when the
    next submit still reaches the create view, it goes to that page, not to a slug clash."""
    url = add_lesson_url(course)
    autosave = client.post(url, lesson_form([true_false()], action=None), **AUTOSAVE)
    assert autosave.status_code == 200
    published = client.post(url, lesson_form([true_false("Tiles are square.")]))
    assert published.status_code == 302, published.context["form"].errors
    lessons = LessonPage.objects.filter(slug__startswith="laying")
    assert lessons.count() == 1
    lesson = lessons.get()
    assert lesson.live
    assert lesson.body[0].value["questions"][0]["prompt"] == "Tiles are square."
