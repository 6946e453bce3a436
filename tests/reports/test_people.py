"""The people behind a figure: officers for their own facility, administrators for all,
monitors never; always a purpose first, an audit row for each look, and never a voluntary
programme's people. Counts are the hand count of ``conftest.py``."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from courses.models import Enrolment
from lms.core.models import AuditEvent
from lms.core.policy import may_open_report_people
from reports.periods import Period
from reports.selectors import report_people
from tests import factories
from tests.reports.conftest import PERIOD, SEP, _enrol

pytestmark = pytest.mark.django_db

SEPTEMBER = "from=2026-09&to=2026-09"


def url(facility="beta", figure="enrolments", query=SEPTEMBER, **extra):
    more = "".join(f"&{k}={v}" for k, v in extra.items())
    return f"{reverse('reports:people', args=[facility])}?figure={figure}&{query}{more}"


def look(client, user, target, purpose="follow_up", details=""):
    client.force_login(user)
    return client.post(target, {"purpose": purpose, "details": details})


def names(html: str) -> list[str]:
    """The names in the people table, one per record (learners of each batch share them)."""
    return sorted(part.split("<")[0] for part in html.split(">Zarina ")[1:])


def test_an_officer_is_asked_why_before_any_name_shows(client, world):
    client.force_login(world["officer_beta"])
    response = client.get(url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Why do you need to see them?" in html
    assert "Secretname" not in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert not AuditEvent.objects.filter(action="reports.people_open").exists()


def test_an_officer_sees_the_people_behind_their_facilitys_figure_and_the_look_is_audited(
    client, world
):
    officer = world["officer_beta"]
    response = look(client, officer, url(), purpose="other", details="Class list for October")
    html = response.content.decode()
    assert response.status_code == 200
    # Beta enrolled 2 in September (the faith-based enrolments are in October, and never here)
    assert names(html) == ["Secretname0", "Secretname1"]
    assert "2 records" in html
    event = AuditEvent.objects.get(action="reports.people_open")
    assert event.actor == officer
    assert event.facility == world["beta"]
    assert event.after["reason"] == "other: Class list for October"
    assert event.after["figure"] == "enrolments"
    assert (event.after["from"], event.after["to"]) == ("2026-09", "2026-09")
    assert event.after["records"] == 2
    # Each person's own trail has the read too.
    reads = AuditEvent.objects.filter(action="person.read", after__page="report_people")
    assert reads.count() == 2
    assert {e.facility_id for e in reads} == {world["beta"].pk}


def test_each_look_is_its_own_audit_row(client, world):
    for _ in range(2):
        look(client, world["officer_beta"], url())
    assert AuditEvent.objects.filter(action="reports.people_open").count() == 2


def test_an_officer_of_one_facility_cannot_open_anothers_people(client, world):
    officer = world["officer_beta"]
    for method in ("get", "post"):
        client.force_login(officer)
        response = getattr(client, method)(url("alpha"), {"purpose": "follow_up"})
        assert response.status_code == 404
        assert "Secretname" not in response.content.decode()
    assert not AuditEvent.objects.filter(action__in=["reports.people_open", "person.read"]).exists()
    assert not may_open_report_people(officer, world["alpha"])
    assert may_open_report_people(officer, world["beta"])


def test_a_monitor_never_opens_people(client, world):
    monitor = world["monitor"]
    for facility in ("alpha", "beta"):
        client.force_login(monitor)
        assert client.get(url(facility)).status_code == 403
        response = look(client, monitor, url(facility))
        assert response.status_code == 403
        assert "Secretname" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reports.people_open").exists()
    assert not may_open_report_people(monitor, world["alpha"])
    # Even asked directly, the selector finds nobody for a monitor.
    assert (
        report_people(actor=monitor, facility=world["alpha"], figure="enrolments", period=PERIOD)
        == []
    )


def test_a_voluntary_programmes_people_are_refused_to_every_role(client, world):
    faith = Enrolment.objects.filter(course__programme_type="faith_based").first()
    for user, facility in ((world["administrator"], "alpha"), (world["officer_beta"], "beta")):
        response = look(client, user, url(facility, course=faith.course_key))
        assert response.status_code == 403
        assert "Secretname" not in response.content.decode()
    assert "Voluntary programmes show counts only" in response.content.decode()
    assert not AuditEvent.objects.filter(action="reports.people_open").exists()
    assert not may_open_report_people(world["administrator"], world["alpha"], voluntary=True)


def test_voluntary_enrolments_are_never_among_the_people_of_a_figure(client, world):
    # Beta's only October enrolments are the two faith-based ones.
    response = look(client, world["officer_beta"], url(query="from=2026-10&to=2026-10"))
    html = response.content.decode()
    assert "Secretname" not in html
    assert "Nobody behind this figure." in html
    # Alpha in September: 8 vocational enrolments, not the 6 faith-based ones.
    response = look(client, world["administrator"], url("alpha"))
    assert len(names(response.content.decode())) == 8


def test_without_a_purpose_the_form_asks_again_and_nothing_shows(client, world):
    for purpose, details, error in (
        ("", "", "This field is required."),
        ("other", "  ", "Write why you need to see them."),
    ):
        response = look(client, world["officer_beta"], url(), purpose=purpose, details=details)
        html = response.content.decode()
        assert response.status_code == 200
        assert error in html
        assert "Secretname" not in html
    assert not AuditEvent.objects.filter(action__in=["reports.people_open", "person.read"]).exists()


@pytest.mark.parametrize(
    ("figure", "query", "expected"),
    [
        ("enrolments", "from=2026-09&to=2026-10", 15),  # 8 + 7
        ("completions", SEPTEMBER, 6),
        ("issued", "from=2026-09&to=2026-10", 6),
        ("completions", "from=2026-10&to=2026-10", 0),
    ],
)
def test_the_people_match_the_figure(client, world, figure, query, expected):
    response = look(client, world["administrator"], url("alpha", figure=figure, query=query))
    assert len(names(response.content.decode())) == expected
    assert AuditEvent.objects.get(action="reports.people_open").after["records"] == expected


def test_an_unknown_figure_or_course_is_not_found(client, world):
    client.force_login(world["administrator"])
    assert client.get(url(figure="voluntary")).status_code == 404
    assert client.get(url(course="not-a-key")).status_code == 404
    assert client.get(url(course="6f1c1a3e-0000-4000-8000-000000000000")).status_code == 404


def test_a_course_narrows_the_people(client, world):
    other = factories.make_course(title="Welding", lessons=1)
    _enrol(other, world["beta"], SEP, 3)
    response = look(client, world["officer_beta"], url(course=other.translation_key))
    html = response.content.decode()
    assert len(names(html)) == 3 and "Welding" in html and "Carpentry" not in html
    assert AuditEvent.objects.get(action="reports.people_open").after["course_key"] == str(
        other.translation_key
    )


def test_the_officers_report_links_to_their_people_and_the_monitors_does_not(client, world):
    client.force_login(world["officer_beta"])
    html = client.get(reverse("reports:overview") + "?" + SEPTEMBER).content.decode()
    people = reverse("reports:people", args=["beta"])
    assert f'href="{people}?from=2026-09&amp;to=2026-09&amp;figure=enrolments"' in html
    client.force_login(world["monitor"])
    html = client.get(reverse("reports:overview") + "?" + SEPTEMBER).content.decode()
    assert "/manage/reports/people/" not in html


def test_the_people_are_read_in_one_query_however_many_there_are(world, django_assert_num_queries):
    admin, alpha = world["administrator"], world["alpha"]
    whole = Period(first=datetime.date(2026, 9, 1), months=2)
    few = {}
    for figure in ("enrolments", "completions", "issued"):
        with django_assert_num_queries(1):
            few[figure] = report_people(actor=admin, facility=alpha, figure=figure, period=whole)
    assert [len(rows) for rows in few.values()] == [15, 6, 6]
    course = factories.make_course(title="Welding", lessons=1)
    _enrol(course, alpha, SEP, 12, completed=12)
    for figure in ("enrolments", "completions", "issued"):
        with django_assert_num_queries(1):
            many = report_people(actor=admin, facility=alpha, figure=figure, period=whole)
        assert len(many) == len(few[figure]) + 12


def test_the_purpose_page_speaks_kazakh_and_russian(client, world):
    client.force_login(world["officer_beta"])
    for language in ("kk", "ru"):
        client.cookies["django_language"] = language
        html = client.get(url()).content.decode()
        with translation.override(language):
            assert translation.gettext("Why do you need to see them?") in html
            assert translation.gettext("Why do you need to see them?") != (
                "Why do you need to see them?"
            )
