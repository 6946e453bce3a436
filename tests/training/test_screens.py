"""My training, the home notice, the compliance page, its exports and requests."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from lms.core.models import AuditEvent, User
from lms.core.spreadsheets import safe_cell
from tests import factories
from tests.kiosk_client import sign_in
from training.engine import evaluate
from training.models import Assignment, TrainingRequest

from .helpers import complete, course_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(facility_a, facility_b, staff_course):
    alice = factories.UserFactory(facility=facility_a, first_name="Aigerim", last_name="Sadykova")
    done = factories.UserFactory(facility=facility_a, first_name="Bolat", last_name="Done")
    stranger = factories.UserFactory(facility=facility_b, first_name="Zhanna", last_name="Far")
    requirement = course_requirement(staff_course, all_staff=True, name="Use of force")
    complete(done, staff_course)
    evaluate()
    officer = factories.OfficerFactory(facility=facility_a)
    return {
        "alice": alice,
        "done": done,
        "stranger": stranger,
        "requirement": requirement,
        "officer": officer,
    }


def test_my_training_shows_what_is_due_and_what_to_do(client, setup, staff_course):
    client.force_login(setup["alice"])
    html = client.get(reverse("training:mine")).content.decode()
    assert "Use of force" in html
    assert "Not started" in html
    assert staff_course.url in html
    home = client.get(reverse("learning:home")).content.decode()
    assert "You have 1 required training item to complete." in home


def test_the_home_page_says_nothing_when_all_is_done(client, setup):
    client.force_login(setup["done"])
    assert "required training" not in client.get(reverse("learning:home")).content.decode()


def test_an_officer_sees_their_facility_and_nothing_of_another(client, setup, facility_b):
    client.force_login(setup["officer"])
    page = client.get(reverse("training:compliance", args=["a"])).content.decode()
    assert "50%" in page
    people = client.get(
        reverse("training:people", args=["a", setup["requirement"].pk])
    ).content.decode()
    assert "Sadykova" in people and "Far" not in people
    assert client.get(reverse("training:compliance", args=["b"])).status_code == 404
    assert (
        client.get(reverse("training:people", args=["b", setup["requirement"].pk])).status_code
        == 404
    )


def test_a_monitor_sees_no_name_and_no_count_of_fewer_than_five(client, setup):
    monitor = factories.UserFactory(role=User.Role.MONITOR, facility=None)
    client.force_login(monitor)
    page = client.get(reverse("training:compliance", args=["a"])).content.decode()
    # Two people are subject, one compliant: the officer's "50%" would give back one person.
    assert "Use of force" in page and "Sadykova" not in page
    assert "50%" not in page and "fewer than 5" in page and "not published" in page
    assert "Use of force: too few people to publish" in page
    assert reverse("training:people", args=["a", setup["requirement"].pk]) not in page
    assert (
        client.get(reverse("training:people", args=["a", setup["requirement"].pk])).status_code
        == 403
    )
    # The exports a monitor may download carry the same figures and no one's name.
    from openpyxl import load_workbook

    url = reverse("training:compliance", args=["a"])
    csv_text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    assert "Use of force" in csv_text and "fewer than 5" in csv_text and "50" not in csv_text
    import csv

    [row] = [r for r in csv.reader(io.StringIO(csv_text)) if r and r[0] == "Use of force"]
    # Two people, one compliant: the people, the percent and the completed are not shown.
    assert row[1:4] == ["fewer than 5", "", "fewer than 5"]
    book = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert "Use of force" in cells and "fewer than 5" in cells
    for name in ("Sadykova", "Aigerim", "Bolat", "Zhanna"):
        assert name not in csv_text and name not in " ".join(cells)
    people = reverse("training:people", args=["a", setup["requirement"].pk])
    assert client.get(people + "?format=csv").status_code == 403
    assert client.get(people + "?format=xlsx").status_code == 403


def test_a_monitor_sees_percentages_of_enough_people_and_nothing_to_subtract(
    client, facility_a, staff_course
):
    from lms.core.suppression import Cell
    from training import selectors

    requirement = course_requirement(staff_course, all_staff=True, name="First aid")
    monitor = factories.UserFactory(role=User.Role.MONITOR, facility=None)
    officer = factories.OfficerFactory(facility=facility_a)  # on the staff: one of the 12
    staff = [factories.UserFactory(facility=facility_a) for _ in range(11)]
    for person in staff[:8]:
        complete(person, staff_course)
    evaluate()
    figures = selectors.compliance_figures(facility=facility_a)
    assert [(f.total, f.completed) for f in figures] == [(12, 8)]
    Assignment.objects.filter(requirement=requirement, person=staff[8]).update(
        state=Assignment.State.EXEMPT
    )
    figures = selectors.compliance_figures(facility=facility_a)
    [exact] = selectors.compliance_published(officer, figures)
    [seen] = selectors.compliance_published(monitor, figures)
    assert (exact.total, exact.percent, exact.completed, exact.exempt) == (12, 75, 8, 1)
    # 9 of 12 compliant is published, but with it the one exemption could be worked out
    # from the completed count (75% of 12 - 8): both are hidden.
    assert (seen.total, seen.percent) == (Cell(12), 75)
    assert seen.exempt == Cell(None) and seen.completed == Cell(None)
    client.force_login(monitor)
    page = client.get(reverse("training:compliance", args=["a"])).content.decode()
    assert "75%" in page and "fewer than 5" in page


def test_the_chart_is_svg_with_a_text_alternative(client, setup):
    client.force_login(setup["officer"])
    html = client.get(reverse("training:compliance", args=["a"])).content.decode()
    assert "<svg" in html and '<desc id="chart-desc">Use of force: 50% compliant</desc>' in html
    assert "<script" not in html.split("<main")[-1].split("</main>")[0]


def test_exports_escape_cells_that_look_like_formulas(client, setup):
    setup["alice"].first_name = '=HYPERLINK("http://x")'
    setup["alice"].save()
    client.force_login(setup["officer"])
    url = reverse("training:people", args=["a", setup["requirement"].pk])
    csv_text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    names = [row[0].value for row in book.active.iter_rows(min_row=2)]
    assert any(name.startswith("'=HYPERLINK") for name in names)
    assert safe_cell("-1+1") == "'-1+1" and safe_cell(3) == 3 and safe_cell("\tx") == "'\tx"


def test_an_extension_asked_and_granted_moves_the_deadline_and_is_audited(
    client, setup, django_capture_on_commit_callbacks
):
    alice, officer = setup["alice"], setup["officer"]
    assignment = Assignment.objects.get(person=alice, ended_on=None)
    new_date = assignment.effective_due_on.replace(year=assignment.effective_due_on.year + 1)
    client.force_login(alice)
    client.post(
        reverse("training:ask", args=[assignment.pk]),
        {"kind": "extension", "until": new_date.isoformat(), "reason": "Night shifts"},
    )
    request = TrainingRequest.objects.get()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("training:decide", args=[request.pk]),
            {"decision": "grant", "reason": "Agreed with the governor"},
        )
    assignment.refresh_from_db()
    assert assignment.effective_due_on == new_date
    assert set(
        AuditEvent.objects.filter(action__startswith="training.").values_list("action", flat=True)
    ) == {
        "training.extension_requested",
        "training.extension_granted",
    }
    again = client.post(
        reverse("training:decide", args=[request.pk]), {"decision": "refuse", "reason": "x"}
    )
    assert again.status_code == 404  # decided once: no longer pending


def test_an_officer_of_another_facility_cannot_decide(client, setup, facility_b):
    assignment = Assignment.objects.get(person=setup["alice"], ended_on=None)
    request = TrainingRequest.objects.create(
        assignment=assignment, kind="exemption", reason="Medical", requested_by=setup["alice"]
    )
    client.force_login(factories.OfficerFactory(facility=facility_b))
    response = client.post(
        reverse("training:decide", args=[request.pk]), {"decision": "grant", "reason": "ok"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_an_exemption_granted_counts_as_compliant(
    client, setup, django_capture_on_commit_callbacks
):
    assignment = Assignment.objects.get(person=setup["alice"], ended_on=None)
    client.force_login(setup["alice"])
    client.post(
        reverse("training:ask", args=[assignment.pk]),
        {"kind": "exemption", "reason": "Trained elsewhere"},
    )
    client.force_login(setup["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("training:decide", args=[TrainingRequest.objects.get().pk]),
            {"decision": "grant", "reason": "Certificate from the academy"},
        )
    assignment.refresh_from_db()
    assert (assignment.state, assignment.exempt_by) == ("exempt", setup["officer"])
    page = client.get(reverse("training:compliance", args=["a"])).content.decode()
    assert "100%" in page


def test_prisoners_have_no_my_training_page_on_the_web(client, prisoner):
    sign_in(client, prisoner)  # on a kiosk, as prisoners browse
    assert client.get(reverse("training:mine")).status_code == 404


def test_a_prisoner_sees_their_required_course_on_the_home_page(
    client, facility_a, prisoner_course
):
    from training.models import Requirement

    prisoner = factories.PrisonerFactory(facility=facility_a)
    Requirement.objects.create(
        name="Induction", kind="course", course=prisoner_course, roles=["prisoner_learner"]
    )
    evaluate()
    sign_in(client, prisoner)  # on a kiosk, as prisoners browse
    home = client.get(reverse("learning:home")).content.decode()
    assert "You have 1 required training item to complete." in home
    assert prisoner_course.url in home
    assert reverse("training:mine") not in home.split("<main")[-1]
