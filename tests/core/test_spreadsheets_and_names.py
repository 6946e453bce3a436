"""Spreadsheet cells are never run as formulas; names never carry bidirectional
controls (a right-to-left override printed "evil" as "live")."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from lms.core.checks import existing_names_check
from lms.core.models import User
from lms.core.spreadsheets import csv_response, safe_cell, xlsx_bytes
from tests import factories

pytestmark = pytest.mark.django_db

RLO = "\u202e"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+7 701 000", "'+7 701 000"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Әсел", "Әсел"),
        ("a=b", "a=b"),
        (None, ""),
        (-2, -2),
        (3.5, 3.5),
    ],
)
def test_a_cell_that_would_be_a_formula_is_written_as_text(value, written):
    assert safe_cell(value) == written


def test_csv_and_xlsx_writers_escape_every_cell():
    rows = [['=HYPERLINK("http://evil.example/","x")', 5, "-1+2"]]
    csv_text = csv_response(filename="r.csv", header=["=head"], rows=rows).content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[0] == "'=head"
    assert csv_text.splitlines()[1].startswith("\"'=HYPERLINK(")
    sheet = load_workbook(io.BytesIO(xlsx_bytes(title="R", header=["=head"], rows=rows))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["'=head", None, None],
        ['\'=HYPERLINK("http://evil.example/","x")', 5, "'-1+2"],
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_right_to_left_override_never_gets_into_a_name(facility_a):
    person = factories.UserFactory(
        facility=facility_a,
        first_name=f"{RLO}live",
        last_name="Ev\u2066il\u2069",
        position=f"a{RLO}b",
    )
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.position) == ("live", "Evil", "ab")
    assert str(person) == "live Evil"


def test_cleaning_a_person_as_every_form_does_strips_the_override(facility_a):
    person = factories.UserFactory(facility=facility_a, first_name="Ann", last_name="Lee")
    person.first_name = f"{RLO}evil"
    person.full_clean(exclude=["password"])
    assert person.first_name == "evil"


def test_stored_names_with_controls_are_reported_and_cleaned_by_the_data_migration(facility_a):
    person = factories.UserFactory(facility=facility_a, first_name="Ann", last_name="Lee")
    User.objects.filter(pk=person.pk).update(first_name=f"{RLO}live")  # as before the fix
    assert [w.id for w in existing_names_check(databases=["default"])] == ["qadam.W001"]

    from importlib import import_module

    from django.apps import apps

    migration = import_module("lms.core.migrations.0003_names_without_bidi_controls")
    migration.strip_existing(apps, None)
    person.refresh_from_db()
    assert person.first_name == "live"
    assert existing_names_check(databases=["default"]) == []
    call_command("check", "--database", "default")
