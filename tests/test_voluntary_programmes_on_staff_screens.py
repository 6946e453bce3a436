"""Taking part in a voluntary programme (every faith-based one, and any course that asks
for consent) reveals religious belief: no staff screen of enrolments, progress or
certificates shows it, and the learner's page says the same thing whether or not the
person takes part. The person still sees their own. Staff read it only on the audited
consent records page (tests/consent/test_history.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from certificates.models import Certificate
from certificates.services.errors import CertificateError
from certificates.services.officer_actions import certificate_issue_manual
from consent.services import consent_give, consent_withdraw
from courses.services import enrolment_create, lesson_complete
from lms.core.models import User
from tests import factories
from tests.certificates.helpers import complete
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db

NOTICE = (
    "Voluntary programmes, such as faith-based ones, are never listed on this page. "
    "Whether this person takes part in any is shown only under"
)


@pytest.fixture
def faith_course(db):
    return factories.make_course(
        title="Theology and life", programme_type="faith_based", audience="prisoners", lessons=1
    )


@pytest.fixture
def consent_course(db):
    """A life-skills course that asks for consent (a disengagement programme)."""
    course = factories.make_course(title="Leaving the group", programme_type="life_skills")
    course.requires_consent = True
    course.save_revision().publish()
    return course


@pytest.fixture
def welding(db):
    return factories.make_course(title="Welding safety", lessons=1)


def learner_page(client, viewer: User, learner: User) -> str:
    sign_in(client, viewer)
    response = client.get(reverse("manage:learner", args=[learner.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def courses_section(html: str) -> str:
    """The learner page's list of courses (the enrol form beside it offers every course
    staff may assign, taken or not: never a voluntary programme)."""
    return re.search(r'<section aria-labelledby="enrolments">.*?</section>', html, re.S).group(0)


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def take_part(learner: User, course) -> None:
    enrolment_create(actor=learner, learner=learner, course=course)
    consent_give(actor=learner, course=course)


def test_the_learner_page_lists_other_courses_but_no_voluntary_programme(
    client, officer, prisoner, welding, faith_course, consent_course
):
    enrolment_create(actor=prisoner, learner=prisoner, course=welding)
    take_part(prisoner, faith_course)
    take_part(prisoner, consent_course)
    section = courses_section(learner_page(client, officer, prisoner))
    assert "Welding safety" in section
    assert "Theology and life" not in section and "Leaving the group" not in section
    assert section.count("<tr>") == 2  # the header and welding


@pytest.mark.parametrize("viewer_role", ["officer", "administrator"])
def test_the_learner_page_reads_the_same_whether_or_not_the_person_takes_part(
    client, prisoner, faith_course, viewer_role
):
    viewer = (
        factories.OfficerFactory(facility=prisoner.facility)
        if viewer_role == "officer"
        else factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    )
    before = without_csrf(learner_page(client, viewer, prisoner))
    assert NOTICE in before and "No courses to show." in before
    consent_url = reverse("consent_manage:history", args=[prisoner.public_id])
    assert f'<a href="{consent_url}">Consent records</a>, after you give a reason' in before

    take_part(prisoner, faith_course)
    assert without_csrf(learner_page(client, viewer, prisoner)) == before
    consent_withdraw(actor=prisoner, course=faith_course)  # "Stopped" is not shown either
    assert without_csrf(learner_page(client, viewer, prisoner)) == before


def test_the_notice_is_translated(client, officer, prisoner):
    client.force_login(officer)
    with translation.override("ru"):
        url = reverse("manage:learner", args=[prisoner.public_id])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Добровольные программы, например религиозные" in html
    assert NOTICE not in html


def test_the_learner_still_sees_their_own_voluntary_programme(client, prisoner, faith_course):
    take_part(prisoner, faith_course)
    sign_in(client, prisoner)
    assert "Theology and life" in client.get(reverse("learning:home")).content.decode()


def test_officers_never_see_a_certificate_of_a_voluntary_programme(
    client,
    officer,
    prisoner,
    welding,
    faith_course,
    consent_course,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(prisoner, welding)
        faith = complete(prisoner, faith_course)
        consent = complete(prisoner, consent_course)
    client.force_login(officer)
    listing = client.get(reverse("certificates:manage_list")).content.decode()
    assert "Welding safety" in listing
    assert "Theology and life" not in listing and "Leaving the group" not in listing
    for certificate in (faith, consent):
        url = reverse("certificates:manage_certificate", args=[certificate.public_id])
        assert client.get(url).status_code == 404

    sign_in(client, prisoner)
    mine = client.get(reverse("certificates:mine")).content.decode()
    assert "Theology and life" in mine and "Leaving the group" in mine


def test_a_certificate_stays_hidden_when_its_course_page_is_gone(
    client, officer, prisoner, faith_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(prisoner, faith_course)
    faith_course.delete()
    client.force_login(officer)
    assert (
        "Theology and life" not in client.get(reverse("certificates:manage_list")).content.decode()
    )
    assert Certificate.objects.filter(learner=prisoner).count() == 1


def test_an_enrolment_whose_course_is_gone_is_left_out_for_staff(
    client, officer, prisoner, faith_course
):
    before = courses_section(learner_page(client, officer, prisoner))
    take_part(prisoner, faith_course)
    faith_course.delete()  # the enrolment stays (course NULL); nothing tells what it was
    assert courses_section(learner_page(client, officer, prisoner)) == before


def test_voluntary_programmes_are_not_offered_for_a_certificate_by_hand(
    client, officer, prisoner, welding, faith_course
):
    client.force_login(officer)
    url = reverse("certificates:manage_issue", args=[prisoner.public_id])
    form = client.get(url).content.decode()
    assert "Welding safety" in form and "Theology and life" not in form
    response = client.post(url, {"course": faith_course.pk, "reason": "Classroom"})
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(CertificateError, match="voluntary programmes"):
        certificate_issue_manual(
            actor=officer, learner=prisoner, course=faith_course, reason="Classroom"
        )
    assert not Certificate.objects.exists()


def test_the_officers_employability_page_leaves_out_faith_based_programmes(
    client, officer, prisoner, welding, faith_course, django_capture_on_commit_callbacks
):
    faith_course.skills.add("Reflection")
    faith_course.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        complete(prisoner, welding)
        complete(prisoner, faith_course)
    client.force_login(officer)
    page = client.get(reverse("employability:manage", args=[prisoner.public_id]))
    html = page.content.decode()
    record = re.search(r'<div class="record">.*?</aside>', html, re.S).group(0)
    assert "Welding safety" in record
    for word in ("Theology and life", "Faith-based programme<", "Reflection"):
        assert word not in html


def test_a_lesson_completed_in_a_voluntary_programme_shows_no_progress_to_staff(
    client, officer, prisoner, faith_course
):
    take_part(prisoner, faith_course)
    before = without_csrf(learner_page(client, officer, prisoner))
    lesson_complete(actor=prisoner, lesson=faith_course.lessons().specific().get())
    assert without_csrf(learner_page(client, officer, prisoner)) == before
