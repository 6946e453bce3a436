"""Pages and learner views, as each role sees them over HTTP."""

import pytest
from django.urls import reverse

from courses.models import Enrolment, LessonProgress
from guidelines.models import GuidelineIndexPage, GuidelinePage
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


def url(page):
    return page.get_url()


@pytest.fixture
def guideline(db):
    catalogue = factories.catalogue()
    index = GuidelineIndexPage(title="Guidelines", slug="guidelines")
    catalogue.add_child(instance=index)
    page = GuidelinePage(
        title="Managing violent-extremist prisoners",
        slug="ve",
        effective_date="2026-01-01",
        department="Security",
        body="<p>Restricted method.</p>",
    )
    index.add_child(instance=page)
    return page


def test_signed_out_visitors_are_sent_to_sign_in(client, prisoner_course):
    response = client.get(url(prisoner_course))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_catalogue_shows_each_audience_its_own_courses(
    client, prisoner, staff_member, prisoner_course, staff_course
):
    sign_in(client, prisoner)
    page = client.get(url(factories.catalogue())).content.decode()
    assert "Welding safety" in page and "Use of force" not in page
    sign_in(client, staff_member)
    page = client.get(url(factories.catalogue())).content.decode()
    assert "Use of force" in page and "Welding safety" not in page


@pytest.mark.parametrize("which", ["course", "lesson", "guideline", "guideline_index"])
def test_a_prisoner_gets_404_for_staff_content_by_direct_url(
    client, prisoner, staff_course, guideline, which
):
    target = {
        "course": staff_course,
        "lesson": staff_course.lessons().first(),
        "guideline": guideline,
        "guideline_index": guideline.get_parent(),
    }[which]
    sign_in(client, prisoner)
    response = client.get(url(target))
    assert response.status_code == 404
    assert b"Use of force" not in response.content
    assert b"Restricted method" not in response.content


def test_staff_read_guidelines(client, staff_member, guideline):
    client.force_login(staff_member)
    response = client.get(url(guideline))
    assert response.status_code == 200
    assert b"Restricted method" in response.content


def test_a_prisoner_cannot_post_progress_for_a_staff_lesson(client, prisoner, staff_course):
    sign_in(client, prisoner)
    lesson = staff_course.lessons().first()
    assert client.post(reverse("learning:lesson_done", args=[lesson.pk])).status_code == 404
    assert client.post(reverse("learning:enrol", args=[staff_course.pk])).status_code == 404
    assert not Enrolment.objects.exists()


def test_a_learner_takes_a_course_through_the_pages(client, prisoner, prisoner_course):
    sign_in(client, prisoner)
    course_page = client.get(url(prisoner_course)).content.decode()
    assert "Join this course" in course_page
    client.post(reverse("learning:enrol", args=[prisoner_course.pk]))
    lessons = list(prisoner_course.lessons())
    response = client.post(reverse("learning:lesson_done", args=[lessons[0].pk]))
    assert response.status_code == 302 and response["Location"] == url(lessons[1])
    home = client.get(reverse("learning:home")).content.decode()
    assert "1 of 3 lessons" in home
    assert "Continue where I stopped" in home
    for lesson in lessons[1:]:
        client.post(reverse("learning:lesson_done", args=[lesson.pk]))
    course_page = client.get(url(prisoner_course)).content.decode()
    assert "You completed this course." in course_page
    assert LessonProgress.objects.filter(learner=prisoner).count() == 3


def test_progress_changes_only_by_post(client, prisoner, prisoner_course):
    sign_in(client, prisoner)
    assert client.get(reverse("learning:enrol", args=[prisoner_course.pk])).status_code == 405


def test_an_officer_enrols_a_learner_from_the_learner_page(
    client, officer, prisoner, prisoner_course
):
    client.force_login(officer)
    listing = client.get(reverse("manage:learners")).content.decode()
    assert prisoner.get_full_name() in listing
    assert str(officer.public_id) not in listing  # an officer is not listed as their own learner
    page = reverse("manage:learner", args=[prisoner.public_id])
    response = client.post(page, {"course": prisoner_course.pk}, follow=True)
    assert "is enrolled on" in response.content.decode()
    assert Enrolment.objects.get().enrolled_by == officer


def test_an_officer_cannot_open_a_learner_of_another_facility(client, officer, facility_b):
    stranger = factories.PrisonerFactory(facility=facility_b)
    client.force_login(officer)
    assert stranger.get_full_name() not in client.get(reverse("manage:learners")).content.decode()
    assert client.get(reverse("manage:learner", args=[stranger.public_id])).status_code == 404


@pytest.mark.parametrize("role", ["prisoner_learner", "staff_learner", "trainer", "monitor"])
def test_learner_management_is_refused_to_other_roles(client, facility_a, role, prisoner):
    if role == "prisoner_learner":
        user = factories.PrisonerFactory(facility=facility_a)
    else:
        user = factories.UserFactory(role=role, facility=facility_a)
    sign_in(client, user)
    assert client.get(reverse("manage:learners")).status_code == 403
    assert client.get(reverse("manage:learner", args=[prisoner.public_id])).status_code == 403
