"""Breakdowns by unit, programme type and course against a hand count, suppressed as the
facilities' grid is (secondary suppression included), and never giving back a cell the
overview hides.

September 2026 (enrolments, of them completed):

| facility | unit  | Carpentry (vocational) | Welding (vocational) | Literacy (general) |
|----------|-------|------------------------|----------------------|--------------------|
| Delta    | North | 6 (4)                  |                      |                    |
| Delta    | South |                        |                      | 3                  |
| Echo     | East  | 7                      | 5                    | 5                  |

Delta's North also has 2 faith-based enrolments (voluntary: in no breakdown).
Facility totals: Delta 9 (4 completed), Echo 17; both together 26.
"""

from __future__ import annotations

import datetime
import itertools

import pytest

from lms.core.models import User
from reports.breakdowns import report_breakdown
from reports.periods import Period
from reports.selectors import report_figures
from tests import factories
from tests.reports.conftest import SEP, _enrol

pytestmark = pytest.mark.django_db

SEPTEMBER = Period(first=datetime.date(2026, 9, 1), months=1)


@pytest.fixture
def small(db):
    delta = factories.FacilityFactory(code="delta", name="Delta")
    echo = factories.FacilityFactory(code="echo", name="Echo")
    north = factories.UnitFactory(facility=delta, name="North")
    south = factories.UnitFactory(facility=delta, name="South")
    east = factories.UnitFactory(facility=echo, name="East")
    carpentry = factories.make_course(title="Carpentry", lessons=1)
    welding = factories.make_course(title="Welding", lessons=1)
    literacy = factories.make_course(
        title="Literacy", programme_type="general_education", lessons=1
    )
    faith = factories.make_course(title="Paths", programme_type="faith_based", lessons=1)
    _enrol(carpentry, delta, SEP, 6, completed=4, unit=north)
    _enrol(literacy, delta, SEP, 3, unit=south)
    _enrol(faith, delta, SEP, 2, unit=north)
    _enrol(carpentry, echo, SEP, 7, unit=east)
    _enrol(welding, echo, SEP, 5, unit=east)
    _enrol(literacy, echo, SEP, 5, unit=east)
    return {
        "delta": delta,
        "echo": echo,
        "monitor": factories.UserFactory(role=User.Role.MONITOR, facility=None),
        "administrator": factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None),
        "officer_delta": factories.OfficerFactory(facility=delta),
        "courses": (carpentry, welding, literacy),
    }


def parts(breakdown, name="enrolments"):
    """{facility code: {part label: September's count (None: hidden)}} and the parts of
    all facilities together."""
    out = {
        one.facility.code: {p.label: getattr(p.months[0], name).value for p in one.parts}
        for one in breakdown.facilities
    }
    return out, {p.label: getattr(p.months[0], name).value for p in breakdown.together}


def test_an_administrator_sees_each_part_exactly(small):
    admin = small["administrator"]
    by_unit = report_breakdown(actor=admin, period=SEPTEMBER, by="unit")
    assert parts(by_unit) == ({"delta": {"North": 6, "South": 3}, "echo": {"East": 17}}, {})
    assert parts(by_unit, "completions")[0]["delta"] == {"North": 4, "South": 0}
    by_type = report_breakdown(actor=admin, period=SEPTEMBER, by="programme_type")
    assert parts(by_type) == (
        {
            "delta": {"General education": 3, "Vocational training": 6},
            "echo": {"General education": 5, "Vocational training": 12},
        },
        {"General education": 8, "Vocational training": 18},
    )
    by_course = report_breakdown(actor=admin, period=SEPTEMBER, by="course")
    assert parts(by_course) == (
        {
            "delta": {"Carpentry": 6, "Literacy": 3},
            "echo": {"Carpentry": 7, "Literacy": 5, "Welding": 5},
        },
        {"Carpentry": 13, "Literacy": 8, "Welding": 5},
    )
    # Rates only over five or more enrolments: Carpentry at Delta, 4 of 6.
    carpentry = by_course.facilities[0].parts[0]
    assert carpentry.months[0].completion_rate == 66.7
    assert by_course.facilities[0].parts[1].months[0].completion_rate is None


def test_a_monitor_sees_small_parts_hidden_and_the_next_smallest_too(small):
    monitor = small["monitor"]
    by_unit = report_breakdown(actor=monitor, period=SEPTEMBER, by="unit")
    # South's 3 (primary) and North's 6 (secondary: Delta's 9 is shown on the overview)
    assert parts(by_unit)[0] == {"delta": {"North": None, "South": None}, "echo": {"East": 17}}
    by_course = report_breakdown(actor=monitor, period=SEPTEMBER, by="course")
    assert parts(by_course) == (
        {
            "delta": {"Carpentry": None, "Literacy": None},
            "echo": {"Carpentry": 7, "Literacy": 5, "Welding": 5},
        },
        # A course across facilities shows only when every facility's part does.
        {"Carpentry": None, "Literacy": None, "Welding": 5},
    )
    # Delta's 4 completions are hidden on the overview: hidden in every breakdown too.
    assert parts(by_course, "completions")[0]["delta"]["Carpentry"] is None


def test_an_officer_sees_their_facility_exactly_and_exports_the_monitors_cells(small):
    officer = small["officer_delta"]
    page = report_breakdown(actor=officer, period=SEPTEMBER, by="unit")
    assert parts(page)[0] == {"delta": {"North": 6, "South": 3}}
    export = report_breakdown(actor=officer, period=SEPTEMBER, by="unit", export=True)
    national = report_breakdown(actor=small["monitor"], period=SEPTEMBER, by="unit")
    assert parts(export)[0]["delta"] == parts(national)[0]["delta"]


def test_voluntary_programmes_are_in_no_breakdown(small):
    admin = small["administrator"]
    for by in ("unit", "programme_type", "course"):
        labels = {
            p.label
            for one in report_breakdown(actor=admin, period=SEPTEMBER, by=by).facilities
            for p in one.parts
        }
        assert "Paths" not in labels and "Faith-based programme" not in labels
    by_unit = report_breakdown(actor=admin, period=SEPTEMBER, by="unit")
    assert parts(by_unit)[0]["delta"]["North"] == 6


@pytest.mark.parametrize("by", ["unit", "programme_type", "course"])
@pytest.mark.parametrize("role", ["administrator", "monitor"])
def test_no_breakdown_gives_back_a_cell_the_overview_hides(small, by, role):
    """Exact: the parts add up to the overview's cell. Suppressed: where the overview
    hides a facility's cell, some part of it is hidden; where it shows it, either no part
    is hidden or at least two are, together at least the threshold."""
    actor = small[role]
    overview = report_figures(actor=actor, period=SEPTEMBER)
    breakdown = report_breakdown(actor=actor, period=SEPTEMBER, by=by)
    for row, one in zip(overview.rows, breakdown.facilities, strict=True):
        for name in ("enrolments", "completions", "issued"):
            total = getattr(row.months[0], name).value
            values = [getattr(p.months[0], name).value for p in one.parts]
            if None not in values:
                assert total == sum(values)
            elif total is not None:
                assert values.count(None) >= 2
                assert total - sum(v for v in values if v is not None) >= 5
            else:
                assert None in values


def test_a_breakdown_takes_the_same_queries_however_much_there_is(small, django_assert_num_queries):
    monitor = small["monitor"]
    for by in ("unit", "programme_type", "course"):
        with django_assert_num_queries(10 if by != "programme_type" else 9):
            report_breakdown(actor=monitor, period=SEPTEMBER, by=by)
    carpentry, welding, literacy = small["courses"]
    for course, facility in itertools.product((welding, literacy), (small["delta"], small["echo"])):
        unit = factories.UnitFactory(facility=facility)
        _enrol(course, facility, SEP, 6, completed=3, unit=unit)
    for by in ("unit", "programme_type", "course"):
        with django_assert_num_queries(10 if by != "programme_type" else 9):
            report_breakdown(actor=monitor, period=SEPTEMBER, by=by)


def test_the_monitors_breakdown_page_and_export_show_no_name_and_the_same_cells(client, small):
    import csv
    import io

    from django.urls import reverse

    from lms.core.models import AuditEvent

    client.force_login(small["monitor"])
    target = reverse("reports:breakdown", args=["unit"]) + "?from=2026-09&to=2026-09"
    html = client.get(target).content.decode()
    assert "Secretname" not in html and "Zarina" not in html
    assert "North" in html and "fewer than 5" in html
    assert "/manage/reports/people/" not in html
    response = client.get(target + "&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Facility", "Unit", "Month"]
    cells = {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}
    assert cells[("Delta", "North", "2026-09")][0] == "fewer than 5"
    assert cells[("Delta", "South", "2026-09")][0] == "fewer than 5"
    assert cells[("Echo", "East", "2026-09")][:2] == ["17", "0"]
    assert "Secretname" not in response.content.decode()
    event = AuditEvent.objects.get(action="reports.export")
    assert event.after["table"] == "breakdown:unit" and event.after["suppressed"] is True


def test_an_administrators_export_is_suppressed_too_and_reads_back_as_xlsx(client, small):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    client.force_login(small["administrator"])
    target = reverse("reports:breakdown", args=["course"]) + "?from=2026-09&to=2026-09"
    response = client.get(target + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    cells = {(r[0], r[1], r[2]): r[3:] for r in sheet.iter_rows(values_only=True)}
    assert cells[("Echo", "Welding", "2026-09")][0] == 5
    assert cells[("Delta", "Carpentry", "2026-09")][0] == "fewer than 5"
    assert cells[("All facilities shown", "Carpentry", "2026-09")][0] == "fewer than 5"
    # On the page the administrator sees it exactly.
    html = client.get(target).content.decode()
    assert "<td>13</td>" in html


def test_an_officers_course_counts_link_to_their_people_of_that_course(client, small):
    from django.urls import reverse

    carpentry = small["courses"][0]
    client.force_login(small["officer_delta"])
    html = client.get(
        reverse("reports:breakdown", args=["course"]) + "?from=2026-09&to=2026-09"
    ).content.decode()
    people = reverse("reports:people", args=["delta"])
    assert (
        f'href="{people}?from=2026-09&amp;to=2026-09&amp;course={carpentry.translation_key}'
        '&amp;figure=enrolments"'
    ) in html
    assert "Echo" not in html
    response = client.post(
        f"{people}?from=2026-09&to=2026-09&course={carpentry.translation_key}&figure=enrolments",
        {"purpose": "planning"},
    )
    assert response.content.decode().count(">Zarina ") == 6


def test_an_unknown_breakdown_is_not_found(client, small):
    from django.urls import reverse

    client.force_login(small["monitor"])
    assert client.get(reverse("reports:breakdown", args=["religion"])).status_code == 404


def test_a_type_less_its_shown_courses_gives_no_hidden_course_back(db):
    """Found by ``test_no_reveal``: suppressed apart, the course breakdown hid Welding's
    1 and Literacy's 5 beside it while the type breakdown showed Vocational 7 and General
    education 5, so 7 less Carpentry's 6 gave Welding's 1 back. Courses nest in types and
    both are suppressed together: Welding's 1 is hidden with Carpentry, the other course
    of its type, so Vocational's 7 gives back only their sum."""
    zeta = factories.FacilityFactory(code="zeta", name="Zeta")
    carpentry = factories.make_course(title="Carpentry", lessons=1)
    welding = factories.make_course(title="Welding", lessons=1)
    literacy = factories.make_course(
        title="Literacy", programme_type="general_education", lessons=1
    )
    _enrol(carpentry, zeta, SEP, 6)
    _enrol(welding, zeta, SEP, 1)
    _enrol(literacy, zeta, SEP, 5)
    monitor = factories.UserFactory(role=User.Role.MONITOR, facility=None)
    assert report_figures(actor=monitor, period=SEPTEMBER).rows[0].months[0].enrolments.value == 12
    by_course = report_breakdown(actor=monitor, period=SEPTEMBER, by="course")
    assert parts(by_course)[0] == {"zeta": {"Carpentry": None, "Literacy": 5, "Welding": None}}
    by_type = report_breakdown(actor=monitor, period=SEPTEMBER, by="programme_type")
    assert parts(by_type)[0] == {"zeta": {"General education": 5, "Vocational training": 7}}
    # An administrator's page is exact, the split as the records say.
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    by_course = report_breakdown(actor=admin, period=SEPTEMBER, by="course")
    assert parts(by_course)[0] == {"zeta": {"Carpentry": 6, "Literacy": 5, "Welding": 1}}
