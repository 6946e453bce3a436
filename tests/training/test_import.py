"""Importing people: row checks, preview, all or nothing, idempotent upsert."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from lms.core.models import AuditEvent, Transfer, User
from tests import factories
from training import importing
from training.models import PeopleImport, StaffRecord

from .helpers import position

pytestmark = pytest.mark.django_db

HEADER = "staff_number,first_name,last_name,email,facility,position,start_date\n"


@pytest.fixture
def places(facility_a, facility_b):
    position("guard", "Guard")
    return facility_a, facility_b


def csv_file(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def apply(data: bytes, name: str = "hr.csv"):
    from django.utils import translation

    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    with translation.override("en"):  # the reasons are read in English below
        return importing.people_import_apply(actor=admin, data=data, filename=name)


def test_a_clean_file_creates_people_and_a_second_import_changes_nothing(places):
    data = csv_file(
        "S-1,Aigerim,Sadykova,a@example.org,a,guard,2026-03-01",
        "S-2,Bolat,Akhmetov,,b,,",
    )
    first = apply(data)
    assert (first.count("create"), first.refused) == (2, [])
    record = StaffRecord.objects.get(staff_number="S-1")
    assert (record.person.last_name, record.position.code, str(record.started_on)) == (
        "Sadykova",
        "guard",
        "2026-03-01",
    )
    assert not record.person.has_usable_password()
    again = apply(data)
    assert (again.count("create"), again.count("update"), again.count("unchanged")) == (0, 0, 2)
    assert User.objects.filter(staff_record__isnull=False).count() == 2


def test_one_broken_row_imports_nothing_and_says_why(places):
    data = csv_file(
        "S-1,Aigerim,Sadykova,a@example.org,a,guard,2026-03-01",
        "S-2,,Akhmetov,not-an-address,zz,cook,01.03.2026",
        "S-1,Again,Twice,,a,,",
    )
    result = apply(data)
    assert not result.ok
    assert [r.line for r in result.refused] == [3, 4]
    reasons = " ".join(result.refused[0].errors)
    for expected in (
        "first_name is empty",
        "No facility with code “zz”",
        "No position with code “cook”",
        "YYYY-MM-DD",
        "not an e-mail address",
    ):
        assert expected in reasons
    assert "Same number as line 2" in result.refused[1].errors[0]
    assert not StaffRecord.objects.exists()


def test_a_changed_facility_updates_the_person_and_records_a_transfer(places):
    apply(csv_file("S-1,Aigerim,Sadykova,,a,,"))
    result = apply(csv_file("S-1,Aigerim,Sadykova,,b,,"))
    assert result.count("update") == 1
    person = StaffRecord.objects.get(staff_number="S-1").person
    assert person.facility.code == "b"
    assert Transfer.objects.get(person=person).from_facility.code == "a"
    assert AuditEvent.objects.filter(action="training.person_updated_by_import").count() == 1


def test_prisoners_are_upserted_by_prisoner_number_from_xlsx(places):
    from openpyxl import Workbook

    existing = factories.PrisonerFactory(facility=places[0], prisoner_number="N-100001")
    unit = factories.UnitFactory(facility=places[0], name="Unit A")
    book = Workbook()
    book.active.append(["prisoner_number", "first_name", "last_name", "facility", "unit"])
    book.active.append(["n-100001", "Nurlan", "Abenov", "a", "unit a"])
    book.active.append(["N-100002", "Yerlan", "Zhaksy", "a", ""])
    out = io.BytesIO()
    book.save(out)
    result = apply(out.getvalue(), "register.xlsx")
    assert (result.count("create"), result.count("update")) == (1, 1)
    existing.refresh_from_db()
    assert (existing.first_name, existing.unit) == ("Nurlan", unit)
    assert User.objects.get(prisoner_number="N-100002").role == User.Role.PRISONER_LEARNER


def test_a_file_that_cannot_be_read_is_refused_whole(places):
    with pytest.raises(importing.ImportError_):
        importing.read_rows(b"name,colour\nx,y\n", "hr.csv")
    with pytest.raises(importing.ImportError_):
        importing.read_rows(b"PK\x03\x04 not really", "hr.xlsx")
    with pytest.raises(importing.ImportError_):
        importing.read_rows(b"x", "hr.pdf")


def test_the_preview_shows_changes_and_applies_only_when_confirmed(client, places):
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    client.force_login(admin)
    upload = SimpleUploadedFile("hr.csv", csv_file("S-9,Dana,Ospan,,a,guard,"))
    response = client.post(reverse("training:import"), {"file": upload})
    item = PeopleImport.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert "S-9" in preview and "New" in preview
    assert not StaffRecord.objects.exists()
    client.post(reverse("training:import_preview", args=[item.pk]))
    assert StaffRecord.objects.get().person.first_name == "Dana"
    item.refresh_from_db()
    assert item.applied_at is not None and bytes(item.content) == b""


def test_the_command_previews_then_applies(places, tmp_path, capsys):
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None, username="root")
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_file("S-5,Asel,Nur,,a,,"))
    call_command("import_people", str(path), "--by", admin.username)
    assert not StaffRecord.objects.exists()
    call_command("import_people", str(path), "--by", admin.username, "--apply")
    assert StaffRecord.objects.filter(staff_number="S-5").exists()
    path.write_bytes(csv_file("S-6,,Nur,,a,,"))
    with pytest.raises(CommandError):
        call_command("import_people", str(path), "--by", admin.username, "--apply")
    assert "refused line 2" in capsys.readouterr().out
