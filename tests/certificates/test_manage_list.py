"""The officer's certificate list at the scale of a facility: filters, paging and the
CSV/XLSX export through the shared writers, scoped to the officer's facilities."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from certificates.models import Certificate
from lms.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def _certificate(learner, course, **fields) -> Certificate:
    values = {
        "holder_name": learner.get_full_name(),
        "course_title": course.title,
        "course_key": course.translation_key,
        "provider": "College",
        "hours": 12,
        "language": "en",
        "completed_on": date(2026, 3, 1),
        "status": Certificate.Status.ISSUED,
    }
    values.update(fields)
    return Certificate.objects.create(learner=learner, **values)


@pytest.fixture
def listed(officer, facility_a, facility_b, prisoner_course):
    other_course = factories.make_course(title="Bricklaying", audience="prisoners")
    aigerim = factories.PrisonerFactory(facility=facility_a, first_name="Aigerim", last_name="Bek")
    ivan = factories.PrisonerFactory(facility=facility_a, first_name="Ivan", last_name="Petrov")
    stranger = factories.PrisonerFactory(facility=facility_b, first_name="Olga", last_name="Far")
    return {
        "aigerim": _certificate(aigerim, prisoner_course, completed_on=date(2026, 1, 10)),
        "ivan": _certificate(
            ivan, other_course, status=Certificate.Status.REVOKED, completed_on=date(2026, 5, 2)
        ),
        "stranger": _certificate(stranger, prisoner_course),
        "other_course": other_course,
    }


def _names(response) -> set[str]:
    return {c.holder_name for c in response.context["certificates"]}


def test_the_list_filters_by_holder_course_status_and_dates(
    client, officer, listed, prisoner_course
):
    client.force_login(officer)
    url = reverse("certificates:manage_list")
    assert _names(client.get(url)) == {"Aigerim Bek", "Ivan Petrov"}
    assert _names(client.get(url, {"q": "petr"})) == {"Ivan Petrov"}
    assert _names(client.get(url, {"q": listed["aigerim"].learner.prisoner_number})) == {
        "Aigerim Bek"
    }
    assert _names(client.get(url, {"course": str(prisoner_course.translation_key)})) == {
        "Aigerim Bek"
    }
    assert _names(client.get(url, {"status": "revoked"})) == {"Ivan Petrov"}
    assert _names(client.get(url, {"completed_from": "2026-02-01"})) == {"Ivan Petrov"}
    assert _names(client.get(url, {"completed_to": "2026-02-01"})) == {"Aigerim Bek"}


def test_another_facility_cannot_be_chosen(client, officer, listed, facility_b):
    client.force_login(officer)
    response = client.get(reverse("certificates:manage_list"), {"facility": facility_b.pk})
    assert response.context["form"].errors["facility"]


def test_the_csv_export_holds_the_filtered_rows_with_formulas_made_harmless(
    client, officer, listed
):
    Certificate.objects.filter(pk=listed["ivan"].pk).update(holder_name="=HYPERLINK(1) Ivan")
    client.force_login(officer)
    response = client.get(reverse("certificates:manage_list"), {"q": "ivan", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(1) Ivan"
    assert AuditEvent.objects.filter(
        action="person.read", object_id=str(listed["ivan"].learner.pk)
    ).exists()


def test_the_xlsx_export_leaves_out_other_facilities(client, officer, listed):
    client.force_login(officer)
    response = client.get(reverse("certificates:manage_list"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    holders = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert holders == {"Aigerim Bek", "Ivan Petrov"}


def test_the_list_is_paged_with_the_filters_kept(client, officer, facility_a, prisoner_course):
    for _ in range(55):
        learner = factories.PrisonerFactory(facility=facility_a, first_name="Many")
        _certificate(learner, prisoner_course)
    client.force_login(officer)
    first = client.get(reverse("certificates:manage_list"), {"q": "Many"})
    assert len(first.context["certificates"]) == 50
    assert "q=Many&amp;page=2" in first.content.decode()


def test_the_header_search_box_does_not_show_the_list_filters(client, officer, listed):
    client.force_login(officer)
    page = client.get(reverse("certificates:manage_list"), {"status": "issued"}).content.decode()
    assert 'id="site-search-q" name="q" value=""' in page
