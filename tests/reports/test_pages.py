"""The reports page and its CSV: who sees what, no names for monitors, the export read
back and audited."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from lms.core.models import AuditEvent, User
from tests import factories
from tests.reports.conftest import QUERY

pytestmark = pytest.mark.django_db


def page(client, user, query=QUERY) -> str:
    client.force_login(user)
    response = client.get(reverse("reports:overview") + query)
    assert response.status_code == 200
    return response.content.decode()


def export(client, user) -> list[list[str]]:
    client.force_login(user)
    response = client.get(reverse("reports:overview_csv") + QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_monitor_sees_figures_and_no_name_anywhere(client, world):
    html = page(client, world["monitor"])
    rows = export(client, world["monitor"])
    names = set(
        User.objects.filter(role=User.Role.PRISONER_LEARNER).values_list("username", flat=True)
    )
    for text in (html, "\n".join(",".join(r) for r in rows)):
        assert "Secretname" not in text and "Zarina" not in text
        assert not any(name in text for name in names)
    assert "fewer than 5" in html
    assert "Alpha" in html and "Gamma" in html


def test_the_page_has_a_chart_with_title_description_and_its_table(client, world):
    html = page(client, world["administrator"])
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert '<title id="chart-title">Enrolments and completions per month</title>' in svg
    assert "Sep 2026: 16 enrolments, 12 completions" in svg
    assert "<script" not in svg and "<style" not in svg
    assert "Each month, all facilities shown" in html


def test_the_export_is_suppressed_even_for_an_administrator_and_reads_back(client, world):
    rows = export(client, world["administrator"])
    assert rows[0] == [
        "Facility",
        "Month",
        "Enrolments",
        "Completions",
        "Completion rate (%)",
        "Certificates issued",
    ]
    cells = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert cells[("Alpha", "2026-09")] == ["8", "6", "75.0", "6"]
    assert cells[("Beta", "2026-09")] == ["fewer than 5", "fewer than 5", "", "fewer than 5"]
    assert cells[("Gamma", "2026-09")] == ["fewer than 5", "fewer than 5", "", "fewer than 5"]
    assert cells[("Alpha", "2026-09 to 2026-10")] == ["15", "6", "40.0", "6"]
    assert cells[("All facilities shown", "2026-09")] == ["16", "12", "75.0", "12"]
    assert cells[("All facilities shown", "2026-10")] == [
        "16",
        "fewer than 5",
        "",
        "fewer than 5",
    ]
    event = AuditEvent.objects.get(action="reports.export")
    assert event.actor == world["administrator"]
    assert event.after["from"] == "2026-09" and event.after["suppressed"] is True
    assert event.after["facilities"] == ["alpha", "beta", "gamma"]


def test_an_officer_sees_their_facility_only(client, world):
    html = page(client, world["officer_beta"])
    assert "Beta" in html and "Alpha" not in html and "Gamma" not in html
    rows = export(client, world["officer_beta"])
    assert {r[0] for r in rows[1:]} == {"Beta", "All facilities shown"}


def test_a_formula_looking_facility_name_is_written_as_text(client, world):
    world["alpha"].name = "=HYPERLINK(1)"
    world["alpha"].save()
    rows = export(client, world["monitor"])
    assert "'=HYPERLINK(1)" in {r[0] for r in rows}


@pytest.mark.parametrize("role", [User.Role.STAFF_LEARNER, User.Role.TRAINER])
def test_staff_without_a_reporting_role_are_refused(client, role):
    client.force_login(factories.UserFactory(role=role))
    assert client.get(reverse("reports:overview")).status_code == 403
    assert client.get(reverse("reports:overview_csv")).status_code == 403
    assert not AuditEvent.objects.filter(action="reports.export").exists()


def test_a_period_that_is_not_a_month_still_shows_a_report(client, world):
    html = page(client, world["monitor"], query="?from=nonsense&to=2026-13")
    assert re.search(r'name="from" value="\d{4}-\d{2}"', html)


def test_the_page_speaks_kazakh(client, world):
    client.cookies["django_language"] = "kk"
    html = page(client, world["monitor"])
    assert "Есептер" in html


def test_the_xlsx_export_reads_back_with_the_same_cells_and_is_audited(client, world):
    from openpyxl import load_workbook

    client.force_login(world["monitor"])
    response = client.get(reverse("reports:overview_xlsx") + QUERY)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [[("" if v is None else v) for v in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Facility", "Month", "Enrolments"]
    cells = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert cells[("Alpha", "2026-09")] == [8, 6, 75.0, 6]
    assert cells[("Beta", "2026-09")][0] == "fewer than 5"
    assert "Secretname" not in str(rows)
    assert AuditEvent.objects.get(action="reports.export").after["format"] == "xlsx"


@pytest.mark.parametrize("role", ["monitor", "officer_beta", "administrator"])
def test_the_pages_take_the_same_queries_however_much_there_is(client, world, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reports.conftest import OCT, SEP, _enrol

    client.force_login(world[role])
    # A unit from the start: with none, naming the units needs no query at all.
    first = factories.UnitFactory(facility=world["beta"])
    User.objects.filter(facility=world["beta"]).update(unit=first)
    urls = [
        reverse("reports:overview") + QUERY,
        *(reverse("reports:breakdown", args=[by]) + QUERY for by in ("unit", "course")),
    ]

    def counts():
        out = []
        for target in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(target).status_code == 200
            out.append(len(queries))
        return out

    counts()  # the first request warms per-process memos (content, access)
    before = counts()
    course = factories.make_course(title="Welding", lessons=1)
    for facility in ("alpha", "beta", "gamma"):
        unit = factories.UnitFactory(facility=world[facility])
        _enrol(course, world[facility], SEP, 7, completed=5, unit=unit)
        _enrol(course, world[facility], OCT, 3, unit=unit)
    counts()  # a new course changes the content: the memos are read again once
    assert counts() == before


def test_the_pages_take_the_same_queries_however_much_history_there_is(client, world):
    """Issue 17's scale rule, on the pages themselves (the selectors' own counts are
    asserted beside them): more facilities, courses, learners and months of history add
    rows to the grouped queries, never queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reports.conftest import OCT, SEP, _enrol

    urls = [
        reverse("reports:overview") + QUERY,
        reverse("reports:breakdown", args=["course"]) + QUERY,
    ]
    viewers = ("monitor", "administrator", "officer_beta")

    def counts() -> list[int]:
        out = []
        for who in viewers:
            client.force_login(world[who])
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                out.append(len(queries))
        return out

    before = counts()
    delta = factories.FacilityFactory(code="delta", name="Delta")
    welding = factories.make_course(title="Welding", lessons=2)
    for facility in (delta, world["beta"]):
        _enrol(welding, facility, SEP, 6, completed=4)
        _enrol(welding, facility, OCT, 5, completed=2)
    assert counts() == before
