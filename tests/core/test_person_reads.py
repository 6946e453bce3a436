"""Staff reads of a person's pages leave audit rows (who, whose, which page, from where);
denied attempts too, at most once a minute; a person with audit history is kept."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db.models import ProtectedError
from django.urls import reverse

from lms.core.models import AuditEvent, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "url_name, page",
    [("manage:learner", "learner"), ("employability:manage", "employability_record")],
)
def test_an_officer_reading_a_learner_page_leaves_an_audit_row(
    client, officer, prisoner, url_name, page
):
    client.force_login(officer)
    response = client.get(reverse(url_name, args=[prisoner.public_id]), REMOTE_ADDR="10.7.0.1")
    assert response.status_code == 200
    row = AuditEvent.objects.get(action="person.read", object_id=str(prisoner.pk))
    assert row.actor == officer
    assert row.after["page"] == page and row.after["ip_address"] == "10.7.0.1"
    assert row.facility == prisoner.facility


def test_a_certificate_detail_read_is_audited(
    client, officer, prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    from tests.certificates.helpers import complete

    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    client.force_login(officer)
    url = reverse("certificates:manage_certificate", args=[certificate.public_id])
    assert client.get(url).status_code == 200
    row = AuditEvent.objects.get(action="person.read", object_id=str(prisoner.pk))
    assert row.after["page"] == "certificate"


def test_cross_facility_attempts_are_logged_once_a_minute(client, facility_b):
    stranger = factories.PrisonerFactory(facility=facility_b)
    officer = factories.OfficerFactory(facility=factories.FacilityFactory(code="c"))
    client.force_login(officer)
    url = reverse("manage:learner", args=[stranger.public_id])
    for _ in range(5):
        assert client.get(url).status_code == 404
    rows = AuditEvent.objects.filter(action="person.read_denied")
    assert rows.count() == 1
    assert rows.get().object_id == str(stranger.pk) and rows.get().actor == officer


def test_a_person_with_audit_history_cannot_be_deleted(officer, prisoner, client):
    client.force_login(officer)
    client.get(reverse("manage:learner", args=[prisoner.public_id]))
    with pytest.raises(ProtectedError):
        officer.delete()
    assert User.objects.filter(pk=officer.pk).exists()
    assert AuditEvent.objects.filter(actor=officer).exists()


def test_erasure_keeps_the_audit_rows_under_a_pseudonym(client, officer, prisoner):
    from django.core.management import call_command

    client.force_login(officer)
    client.get(reverse("manage:learner", args=[prisoner.public_id]))
    call_command("person_erase", str(officer.public_id))
    officer.refresh_from_db()
    assert officer.username.startswith("erased-") and not officer.is_active
    assert officer.first_name == "" and not officer.has_usable_password()
    row = AuditEvent.objects.get(action="person.read", actor=officer)
    assert row.actor_label == officer.username
    assert row.after["page"] == "learner"
    assert AuditEvent.objects.filter(action="person.erase", object_id=str(officer.pk)).exists()


def test_walking_ids_leaves_one_denied_row_a_minute_counting_the_attempts(client, facility_b):
    strangers = [factories.PrisonerFactory(facility=facility_b) for _ in range(5)]
    officer = factories.OfficerFactory(facility=factories.FacilityFactory(code="c"))
    client.force_login(officer)
    for stranger in strangers:
        url = reverse("manage:learner", args=[stranger.public_id])
        assert client.get(url, REMOTE_ADDR="10.7.0.9").status_code == 404
    first = AuditEvent.objects.get(action="person.read_denied")
    assert first.after["attempts"] == 1 and first.after["ip_address"] == "10.7.0.9"
    cache.delete(f"qadam:denied-read:{officer.pk}:learner")  # the minute has passed
    client.get(reverse("manage:learner", args=[strangers[0].public_id]))
    rows = AuditEvent.objects.filter(action="person.read_denied").order_by("id")
    assert rows.count() == 2
    assert rows.last().after["attempts"] == 5  # four left out, and this one


@pytest.mark.parametrize(
    "url_name, page",
    [("consent_manage:history", "consent_history"), ("kiosk_manage:pin", "kiosk_pin")],
)
def test_cross_facility_attempts_at_consent_and_pin_pages_are_logged(
    client, facility_b, url_name, page
):
    stranger = factories.PrisonerFactory(facility=facility_b)
    officer = factories.OfficerFactory(facility=factories.FacilityFactory(code="c"))
    client.force_login(officer)
    url = reverse(url_name, args=[stranger.public_id])
    assert client.get(url, REMOTE_ADDR="10.7.0.2").status_code == 404
    assert client.post(url, {"purpose": "plan_review", "pin": "1234"}).status_code == 404
    row = AuditEvent.objects.get(action="person.read_denied")
    assert row.actor == officer and row.object_id == str(stranger.pk)
    assert row.after["page"] == page and row.after["ip_address"] == "10.7.0.2"


def test_a_consent_history_read_names_the_address_it_came_from(client, officer, prisoner):
    client.force_login(officer)
    url = reverse("consent_manage:history", args=[prisoner.public_id])
    assert client.get(url, REMOTE_ADDR="10.7.0.3").status_code == 200
    opened = AuditEvent.objects.get(action="person.read", object_id=str(prisoner.pk))
    assert opened.after["page"] == "consent_history"
    response = client.post(url, {"purpose": "plan_review"}, REMOTE_ADDR="10.7.0.3")
    assert response.status_code == 200
    row = AuditEvent.objects.get(action="consent.read", object_id=str(prisoner.pk))
    assert row.after["ip_address"] == "10.7.0.3" and row.after["reason"] == "plan_review"


@pytest.mark.django_db
def test_a_page_showing_many_people_audits_each_in_the_same_queries(rf, facility_a):
    """One row per person shown (each person's trail has the read), written at once: the
    cost of the audit does not grow with the length of a results list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.core.policy import people_read

    officer = factories.OfficerFactory(facility=facility_a)
    counts = []
    for size in (1, 6):
        people = [factories.PrisonerFactory(facility=facility_a) for _ in range(size)]
        request = rf.get("/admin/h5p/results/", REMOTE_ADDR="10.7.0.9")
        request.user = officer
        with CaptureQueriesContext(connection) as queries:
            people_read(request, people=people, page="h5p_results")
        counts.append(len(queries))
        for person in people:
            row = AuditEvent.objects.get(action="person.read", object_id=str(person.pk))
            assert row.actor == officer and row.facility_id == facility_a.pk
            assert row.after["page"] == "h5p_results" and row.after["ip_address"] == "10.7.0.9"
    assert counts[0] == counts[1]
