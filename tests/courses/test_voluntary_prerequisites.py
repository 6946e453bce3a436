"""Authoring: a voluntary programme cannot be a prerequisite of an ordinary course, since
refusing the programme would then keep the person out of it (decision record 0021). What
older data with such a prerequisite does is tested in test_enrolment.py."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from courses.models import CoursePage
from lms.core.models import User
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db

REFUSAL = "A voluntary programme cannot be a prerequisite"


@pytest.fixture
def faith_course(db):
    return factories.make_course(title="Paths of peace", programme_type="faith_based", lessons=1)


@pytest.fixture
def trainer(client):
    user = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    sign_in(client, user)
    return user


def course_form(action="action-publish", prerequisites=(), **extra):
    return factories.course_admin_form(action=action, prerequisites=prerequisites, **extra)


def test_the_admin_refuses_an_ordinary_course_that_requires_a_faith_based_programme(
    client, trainer, faith_course
):
    course = factories.make_course(title="Mentoring others", slug="mentoring")
    url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    response = client.post(url, course_form(prerequisites=[faith_course.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSAL in html and "“Paths of peace”" in html
    course.refresh_from_db()
    assert list(course.prerequisites.all()) == []
    assert course.get_latest_revision() is None


def test_the_admin_refuses_a_new_course_requiring_a_course_that_asks_for_consent(client, trainer):
    consent_course = factories.make_course(title="Leaving the group", programme_type="life_skills")
    consent_course.requires_consent = True
    consent_course.save_revision().publish()
    area = factories.programme_area("vocational")
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", area.pk])
    response = client.post(url, course_form(prerequisites=[consent_course.pk]))
    assert response.status_code == 200
    assert (
        REFUSAL in response.content.decode() and "“Leaving the group”" in response.content.decode()
    )
    assert not CoursePage.objects.filter(slug="mentoring").exists()


def test_the_admin_still_saves_an_ordinary_prerequisite(client, trainer):
    basics = factories.make_course(title="Safety basics")
    course = factories.make_course(title="Mentoring others", slug="mentoring")
    url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    response = client.post(url, course_form(prerequisites=[basics.pk]))
    assert response.status_code == 302
    course.refresh_from_db()
    assert list(course.prerequisites.all()) == [basics]


def test_a_faith_based_course_may_require_another_faith_based_course(client, trainer, faith_course):
    area = faith_course.get_parent()
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", area.pk])
    # Without ticking "voluntary consent required": it is always on in this area.
    response = client.post(url, course_form("action-submit", prerequisites=[faith_course.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    follow_up = CoursePage.objects.get(slug="mentoring")
    assert follow_up.get_latest_revision().as_object().prerequisites.get() == faith_course
    follow_up.full_clean()


def test_a_course_that_asks_for_consent_may_require_a_faith_based_course(faith_course):
    course = factories.make_course(title="Leaving the group", programme_type="life_skills")
    course.requires_consent = True
    course.prerequisites.add(faith_course)
    course.full_clean()
    course.save()
    assert list(course.prerequisites.all()) == [faith_course]


def test_full_clean_refuses_it_too_and_the_message_is_translated(faith_course):
    course = factories.make_course(title="Mentoring others")
    course.prerequisites.add(faith_course)
    with pytest.raises(ValidationError, match=REFUSAL) as refused:
        course.full_clean()
    assert "prerequisites" in refused.value.message_dict
    for language, words in (("ru", "добровольная программа"), ("kk", "ерікті бағдарлама")):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            course.full_clean()
        assert words in str(refused.value).lower() and "Paths of peace" in str(refused.value)
