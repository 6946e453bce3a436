"""How apps above courses plug into it: the consent reader, lesson activities, search."""

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from consent.rules import consent_is_current
from courses import participation
from courses.blocks import LessonBodyBlock, QuizBlock, lesson_activity_register
from courses.models import CoursePage
from courses.search import _sources
from guidelines.selectors import guideline_search
from h5p.blocks import H5PActivityBlock

pytestmark = pytest.mark.django_db


def _course(*, requires_consent: bool) -> CoursePage:
    return CoursePage(
        title="Values", requires_consent=requires_consent, translation_key=uuid.uuid4()
    )


def test_the_consent_app_answers_whether_consent_is_current():
    assert participation._reader is consent_is_current


def test_without_a_consent_reader_a_course_that_asks_for_consent_takes_nobody_in(monkeypatch):
    monkeypatch.setattr(participation, "_reader", None)
    assert participation.consent_needed(learner_id=1, course=_course(requires_consent=True))
    assert not participation.consent_needed(learner_id=1, course=_course(requires_consent=False))


def test_a_second_consent_reader_is_refused():
    with pytest.raises(ImproperlyConfigured):
        participation.consent_reader_register(lambda *, learner_id, course_key: True)


def test_the_lesson_body_offers_the_h5p_activity_after_the_quiz():
    children = LessonBodyBlock().child_blocks
    assert isinstance(children["quiz"], QuizBlock)
    assert isinstance(children["h5p"], H5PActivityBlock)
    assert list(children)[-2:] == ["quiz", "h5p"]


def test_a_lesson_activity_registered_after_start_up_is_refused():
    with pytest.raises(ImproperlyConfigured):
        lesson_activity_register("poll", QuizBlock())
    assert "poll" not in LessonBodyBlock().child_blocks


def test_guidelines_join_the_site_search():
    assert guideline_search in _sources
