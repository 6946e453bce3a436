"""The policy core (``lms.core.policy``) and every staff screen and export that lists
courses or records, checked against it.

Three courses: a faith-based programme, a life-skills course that asks for consent (a
disengagement programme) and an ordinary vocational course. The policy says the first two
are voluntary; every staff screen must show exactly the courses the policy does not call
voluntary, and the person's own screens show all three.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from certificates.models import Certificate
from courses.models import ActivityResult, CoursePage, Enrolment
from h5p.importer import h5p_content_import
from h5p.selectors import content_report
from lms.core import policy
from lms.core.models import AuditEvent, User
from tests import factories
from tests.certificates.helpers import complete, pdf_text
from tests.h5p import builders
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


# --- The rules themselves -------------------------------------------------------------


def test_a_course_is_voluntary_if_faith_based_or_asking_for_consent():
    assert policy.is_voluntary(programme_type="faith_based")
    assert policy.is_voluntary(programme_type="life_skills", requires_consent=True)
    assert not policy.is_voluntary(programme_type="life_skills")
    assert not policy.is_voluntary(programme_type=None)


def test_officers_see_the_people_of_their_facilities_only(facility_a, facility_b):
    officer = factories.OfficerFactory(facility=facility_a)
    here = factories.PrisonerFactory(facility=facility_a)
    there = factories.PrisonerFactory(facility=facility_b)
    assert set(policy.people_visible_to(officer)) >= {officer, here}
    assert there not in policy.people_visible_to(officer)
    assert policy.may_manage_learner(officer, here)
    assert not policy.may_manage_learner(officer, there)
    assert not policy.may_manage_learner(officer, officer)  # nobody manages themself


@pytest.mark.parametrize("role", ["monitor", "trainer", "staff_learner", "prisoner_learner"])
def test_no_other_role_manages_anyone(role, facility_a):
    make = factories.PrisonerFactory if role == "prisoner_learner" else factories.UserFactory
    actor = make(role=role, facility=facility_a)
    learner = factories.PrisonerFactory(facility=facility_a)
    assert not policy.may_manage_learners(actor)
    assert not policy.may_manage_learner(actor, learner)
    assert not policy.learners_managed_by(actor).exists()
    expected = [] if role == "monitor" else [actor]  # monitors see figures, never people
    assert list(policy.people_visible_to(actor)) == expected


def test_a_deactivated_officer_sees_nobody(facility_a):
    officer = factories.OfficerFactory(facility=facility_a, is_active=False)
    assert not policy.people_visible_to(officer).exists()
    assert not policy.managed_facilities(officer).exists()


def test_a_special_category_read_needs_a_manager_and_a_reason_and_is_audited(facility_a):
    officer = factories.OfficerFactory(facility=facility_a)
    learner = factories.PrisonerFactory(facility=facility_a)
    with pytest.raises(PermissionDenied):
        policy.special_category_read(
            actor=officer, person=learner, category=policy.SpecialCategory.CONSENT, reason=" "
        )
    monitor = factories.UserFactory(role=User.Role.MONITOR, facility=None)
    with pytest.raises(PermissionDenied):
        policy.special_category_read(
            actor=monitor, person=learner, category=policy.SpecialCategory.CONSENT, reason="x"
        )
    assert not AuditEvent.objects.exists()
    policy.special_category_read(
        actor=officer,
        person=learner,
        category=policy.SpecialCategory.VOLUNTARY_LEARNING,
        reason="plan review",
    )
    event = AuditEvent.objects.get()
    assert event.actor == officer and event.object_id == str(learner.pk)
    assert event.action == "voluntary_learning.read"
    assert event.after == {"category": "voluntary_learning", "reason": "plan review"}


# --- Every staff screen and export, against the policy --------------------------------


@pytest.fixture
def courses(db):
    faith = factories.make_course(title="Theology and life", programme_type="faith_based")
    consent = factories.make_course(title="Leaving the group", programme_type="life_skills")
    consent.requires_consent = True
    consent.save_revision().publish()
    ordinary = factories.make_course(title="Welding safety")
    for course in (faith, consent, ordinary):
        course.skills.add(f"Skill of {course.title}")
        course.save_revision().publish()
    return [CoursePage.objects.get(pk=course.pk) for course in (faith, consent, ordinary)]


@pytest.fixture
def learned(courses, prisoner, django_capture_on_commit_callbacks):
    """The prisoner completed all three courses and holds a certificate for each."""
    with django_capture_on_commit_callbacks(execute=True):
        for course in courses:
            complete(prisoner, course)
    return courses


def shown_by_policy(courses: list[CoursePage]) -> set[str]:
    return {course.title for course in courses if not course.is_voluntary}


def titles_in(text: str, courses: list[CoursePage]) -> set[str]:
    return {course.title for course in courses if course.title in text}


def test_the_policy_calls_two_of_the_three_courses_voluntary(courses):
    faith, consent, ordinary = courses
    assert faith.is_voluntary and consent.is_voluntary and not ordinary.is_voluntary
    assert set(CoursePage.objects.voluntary()) == {faith, consent}
    assert set(CoursePage.objects.not_voluntary().filter(pk__in=[c.pk for c in courses])) == {
        ordinary
    }
    assert shown_by_policy(courses) == {"Welding safety"}


def staff_screens(client, officer, prisoner, learned) -> dict[str, str]:
    """What an officer reads about the prisoner on every staff screen and export."""
    sign_in(client, officer)
    export = reverse("employability:export", args=[prisoner.public_id])
    cv = client.post(export, {"kind": "cv", "language": "en"})
    bundle = client.post(export, {"kind": "credentials", "language": "en"})
    assert cv.status_code == bundle.status_code == 200
    presentation = json.loads(bundle.content)
    assert presentation["type"] == ["VerifiablePresentation"]
    pages = {
        "learner page": reverse("manage:learner", args=[prisoner.public_id]),
        "certificate list": reverse("certificates:manage_list"),
        "employability page": reverse("employability:manage", args=[prisoner.public_id]),
        "hand-issue form": reverse("certificates:manage_issue", args=[prisoner.public_id]),
    }
    screens = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        screens[name] = response.content.decode()
    screens["CV export"] = pdf_text(cv.content)
    screens["credential bundle"] = json.dumps(presentation["verifiableCredential"])
    return screens


def test_every_staff_screen_shows_exactly_what_the_policy_says(client, prisoner, learned):
    officer = factories.OfficerFactory(facility=prisoner.facility)
    expected = shown_by_policy(learned)
    for name, text in staff_screens(client, officer, prisoner, learned).items():
        if name == "hand-issue form":
            # Offers courses not yet certified: none of the voluntary ones, ever.
            assert not titles_in(text, learned) - expected, name
            continue
        assert titles_in(text, learned) == expected, name
    skills = {f"Skill of {title}" for title in expected}
    employability = staff_screens(client, officer, prisoner, learned)["employability page"]
    assert {f"Skill of {c.title}" for c in learned if f"Skill of {c.title}" in employability} == (
        skills
    )


def test_a_certificate_of_a_voluntary_programme_is_not_found_by_staff(client, prisoner, learned):
    officer = factories.OfficerFactory(facility=prisoner.facility)
    client.force_login(officer)
    for course in learned:
        certificate = Certificate.objects.get(learner=prisoner, course_key=course.translation_key)
        url = reverse("certificates:manage_certificate", args=[certificate.public_id])
        assert client.get(url).status_code == (404 if course.is_voluntary else 200), course


def test_the_person_sees_all_three_and_may_choose_to_show_them_to_others(client, prisoner, learned):
    sign_in(client, prisoner)
    everything = {course.title for course in learned}
    assert titles_in(client.get(reverse("learning:home")).content.decode(), learned) == everything
    assert titles_in(client.get(reverse("certificates:mine")).content.decode(), learned) == (
        everything
    )
    record = client.get(reverse("employability:mine")).content.decode()
    assert titles_in(record, learned) == shown_by_policy(learned)
    client.post(reverse("employability:mine"), {"include_faith_based": "1"})
    assert titles_in(client.get(reverse("employability:mine")).content.decode(), learned) == (
        everything
    )
    # Their choice reaches the CV an officer prints for them at release, and nothing else.
    officer = factories.OfficerFactory(facility=prisoner.facility)
    screens = staff_screens(client, officer, prisoner, learned)
    assert titles_in(screens["CV export"], learned) == everything
    assert titles_in(screens["learner page"], learned) == shown_by_policy(learned)
    assert titles_in(screens["certificate list"], learned) == shown_by_policy(learned)


def test_the_h5p_report_names_nobody_in_either_voluntary_course(
    settings, tmp_path, prisoner, courses
):
    settings.H5P_ROOT = tmp_path / "h5p"
    administrator = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    content = h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    for course in courses:
        lesson = course.get_children().specific().first()
        lesson.body = [("h5p", {"content": content, "pass_mark": 60, "required": True})]
        lesson.save_revision().publish()
        lesson.refresh_from_db()
        enrolment = Enrolment.objects.create(
            learner=prisoner, course=course, course_key=course.translation_key
        )
        ActivityResult.objects.create(
            learner=prisoner,
            enrolment=enrolment,
            lesson_key=lesson.translation_key,
            activity_key=lesson.body[0].id,
            kind=ActivityResult.Kind.H5P,
            best_score=1.0,
        )
    named = {
        report.lesson.course.title
        for report in content_report(viewer=administrator, content=content)
        if prisoner in [row.learner for row in report.rows]
    }
    assert named == shown_by_policy(courses)
