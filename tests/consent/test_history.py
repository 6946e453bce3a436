"""Consent history: the person sees their own choices; an education officer of their
facility or an administrator sees them only after stating why, and that look is audited.
Everyone else is refused, and nobody learns anything from a refusal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent.services import consent_give, consent_withdraw
from courses.services import enrolment_create
from lms.core.models import AuditEvent, User
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.services]


@pytest.fixture
def faith_course(db):
    return factories.make_course(
        title="Paths of peace", programme_type="faith_based", audience="prisoners", lessons=1
    )


@pytest.fixture
def history(prisoner, faith_course):
    """The prisoner agreed, stopped, and agreed again."""
    enrolment_create(actor=prisoner, learner=prisoner, course=faith_course)
    consent_give(actor=prisoner, course=faith_course)
    consent_withdraw(actor=prisoner, course=faith_course)
    enrolment_create(actor=prisoner, learner=prisoner, course=faith_course)
    consent_give(actor=prisoner, course=faith_course)
    return prisoner


def staff_url(learner: User) -> str:
    return reverse("consent_manage:history", args=[learner.public_id])


def reads() -> int:
    return AuditEvent.objects.filter(action="consent.read").count()


# --- The person's own page ---------------------------------------------------------------


def test_a_learner_sees_each_choice_with_its_course_and_date(client, history, faith_course):
    sign_in(client, history)
    response = client.get(reverse("consent:mine"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "My choices to take part" in html and "Paths of peace" in html
    assert html.count("Agreed to take part") == 2 and html.count("Stopped taking part") == 1
    assert ">Taking part<" in html  # the current state, in calm words
    assert f'href="{reverse("consent:withdraw", args=[faith_course.pk])}"' in html
    assert "no-store" in response["Cache-Control"]
    assert reads() == 0  # their own records: no staff read to log


def test_a_learner_who_stopped_sees_stopped_and_no_stop_link(client, prisoner, faith_course):
    enrolment_create(actor=prisoner, learner=prisoner, course=faith_course)
    consent_give(actor=prisoner, course=faith_course)
    consent_withdraw(actor=prisoner, course=faith_course)
    sign_in(client, prisoner)
    html = client.get(reverse("consent:mine")).content.decode()
    assert "Stopped taking part" in html and ">Stopped<" in html
    assert reverse("consent:withdraw", args=[faith_course.pk]) not in html
    assert "message--error" not in html and "fail" not in html.lower()


def test_a_learner_never_asked_is_told_so(client, prisoner):
    sign_in(client, prisoner)
    html = client.get(reverse("consent:mine")).content.decode()
    assert "No programme has asked you to choose yet." in html


def test_a_learner_sees_only_their_own_choices(client, history, facility_a):
    other = factories.PrisonerFactory(facility=facility_a)
    sign_in(client, other)
    html = client.get(reverse("consent:mine")).content.decode()
    assert "Paths of peace" not in html


def test_a_course_no_longer_published_is_still_listed_without_its_title(
    client, history, faith_course
):
    faith_course.unpublish()
    sign_in(client, history)
    html = client.get(reverse("consent:mine")).content.decode()
    assert "A course that is no longer published" in html and "Paths of peace" not in html
    assert "Agreed to take part" in html


def test_my_learning_links_to_my_choices_for_everyone(client, prisoner):
    """Shown whether or not the person has any record, so the link itself says nothing."""
    sign_in(client, prisoner)
    html = client.get(reverse("learning:home")).content.decode()
    assert reverse("consent:mine") in html


# --- The staff page ----------------------------------------------------------------------


def test_the_learner_page_links_to_consent_records(client, officer, history):
    client.force_login(officer)
    html = client.get(reverse("manage:learner", args=[history.public_id])).content.decode()
    assert staff_url(history) in html and "Consent records" in html


def test_an_officer_is_asked_why_before_seeing_anything(client, officer, history):
    client.force_login(officer)
    response = client.get(staff_url(history))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Why do you need to see it?" in html and 'name="purpose"' in html
    assert "Paths of peace" not in html and "Agreed to take part" not in html
    assert reads() == 0


def test_no_reason_means_no_records_and_no_read(client, officer, history):
    client.force_login(officer)
    html = client.post(staff_url(history), {}).content.decode()
    assert "This field is required." in html and "Paths of peace" not in html
    html = client.post(staff_url(history), {"purpose": "other", "details": "  "}).content.decode()
    assert "Write why you need to see it." in html and "Paths of peace" not in html
    assert reads() == 0


def test_an_officer_with_a_reason_sees_the_history_and_the_look_is_audited(
    client, officer, history, faith_course
):
    client.force_login(officer)
    response = client.post(staff_url(history), {"purpose": "plan_review", "details": "Q3 plan"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Paths of peace" in html and html.count("Agreed to take part") == 2
    assert "Stopped taking part" in html
    assert "Reviewing the person&#x27;s individual plan" in html and "Q3 plan" in html
    assert "no-store" in response["Cache-Control"]
    # Staff cannot stop someone's participation for them: no stop link, no course link.
    assert reverse("consent:withdraw", args=[faith_course.pk]) not in html
    assert f'href="{faith_course.url}"' not in html
    event = AuditEvent.objects.get(action="consent.read")
    assert event.actor == officer and event.object_id == str(history.pk)
    assert event.after == {
        "category": "consent",
        "reason": "plan_review: Q3 plan",
        "records": 3,
        # Where it was read from, as every person read says (decision record 0045).
        "path": staff_url(history),
        "ip_address": "127.0.0.1",
        "device": None,
    }
    assert event.facility == history.facility


def test_each_look_is_audited_again(client, officer, history):
    client.force_login(officer)
    client.post(staff_url(history), {"purpose": "person_request"})
    client.post(staff_url(history), {"purpose": "person_request"})
    assert reads() == 2


def test_an_administrator_may_read_any_facility_with_a_reason(client, history):
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    client.force_login(admin)
    html = client.post(staff_url(history), {"purpose": "complaint"}).content.decode()
    assert "Paths of peace" in html
    assert AuditEvent.objects.get(action="consent.read").actor == admin


def test_an_officer_of_another_facility_is_told_it_does_not_exist(client, history, facility_b):
    client.force_login(factories.OfficerFactory(facility=facility_b))
    assert client.get(staff_url(history)).status_code == 404
    response = client.post(staff_url(history), {"purpose": "plan_review"})
    assert response.status_code == 404 and "Paths of peace" not in response.content.decode()
    assert reads() == 0


@pytest.mark.parametrize("role", [User.Role.MONITOR, User.Role.TRAINER, User.Role.STAFF_LEARNER])
def test_other_staff_roles_are_refused_even_with_a_reason(client, history, facility_a, role):
    client.force_login(factories.UserFactory(role=role, facility=facility_a))
    response = client.post(staff_url(history), {"purpose": "plan_review"})
    assert response.status_code == 403 and "Paths of peace" not in response.content.decode()
    assert reads() == 0


def test_a_prisoner_cannot_open_the_staff_page_even_for_themself(client, history):
    sign_in(client, history)
    assert client.post(staff_url(history), {"purpose": "person_request"}).status_code == 403
    assert reads() == 0


def test_the_home_page_offers_their_choices_to_prisoners_and_not_to_staff(client, history):
    from tests import factories

    sign_in(client, history)
    home = client.get(reverse("learning:home")).content.decode()
    assert reverse("consent:mine") in home and "My choices to take part" in home
    client.logout()
    client.force_login(factories.UserFactory(facility=history.facility))
    home = client.get(reverse("learning:home")).content.decode()
    assert "My choices to take part" not in home
