"""Importing people from an HR list or the prison register (CSV or XLSX): read, check
each row, plan what would change, and apply the plan.

**All or nothing per file**: a file with any refused row changes nothing; the report
lists every refused row with its reasons, and the preview lists every change. Applying
re-plans against the database as it is then, in one transaction.

Upsert by number, idempotent: staff by ``StaffRecord.staff_number``, prisoners by
``User.prisoner_number``; a second import of the same file changes nothing. Existing
people keep their role (an officer on the HR list stays an officer); new staff are staff
learners with no password (an administrator gives them one), new prisoners sign in with a
PIN on the kiosk once an officer sets it. A change of facility is recorded as a
``Transfer``. Re-evaluation of training runs once, after the whole file.

Columns (first row, any order, case-insensitive): ``staff_number`` or ``prisoner_number``
(one per row), ``first_name``, ``last_name``, ``facility`` (code), ``unit`` (name, within
the facility), and for staff ``email``, ``position`` (code) and ``start_date``
(YYYY-MM-DD).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from lms.celery import enqueue_on_commit
from lms.core.audit import audit_record
from lms.core.models import Facility, Transfer, Unit, User

from .models import Position, StaffRecord

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024
COLUMNS = [
    "staff_number",
    "prisoner_number",
    "first_name",
    "last_name",
    "email",
    "facility",
    "unit",
    "position",
    "start_date",
]


class ImportError_(Exception):
    """The file cannot be read at all; the message is for the person."""


@dataclass
class Row:
    """One row of the file as read, with its line number (the header is line 1)."""

    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "create", "update", "unchanged"
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    person: User | None = None
    resolved: dict[str, Any] = field(default_factory=dict)

    @property
    def number(self) -> str:
        return self.values.get("staff_number") or self.values.get("prisoner_number") or ""


@dataclass
class Plan:
    rows: list[Row]

    @property
    def refused(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.refused

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)


def read_rows(data: bytes, filename: str) -> list[Row]:
    """The rows of a CSV (UTF-8, with or without BOM; comma or semicolon) or XLSX file."""
    if len(data) > MAX_BYTES:
        raise ImportError_(_("The file is larger than 10 MB."))
    if filename.lower().endswith(".xlsx"):
        table = _xlsx_table(data)
    elif filename.lower().endswith(".csv"):
        table = _csv_table(data)
    else:
        raise ImportError_(_("Upload a .csv or .xlsx file."))
    if not table:
        raise ImportError_(_("The file is empty."))
    header = [str(h or "").strip().lower() for h in table[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ImportError_(_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
    if "staff_number" not in header and "prisoner_number" not in header:
        raise ImportError_(_("The file needs a staff_number or prisoner_number column."))
    if len(table) - 1 > MAX_ROWS:
        raise ImportError_(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {
            name: _text(cells[i]) if i < len(cells) else "" for i, name in enumerate(header) if name
        }
        if any(values.values()):
            rows.append(Row(line=line, values=values))
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_(_("Save the CSV file as UTF-8.")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_table(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportError_(_("This is not an XLSX file that can be read.")) from None
    sheet = book.worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return table


def plan(rows: list[Row]) -> Plan:
    """Check every row and say what applying it would change. Reads with a fixed number
    of queries (facilities, units, positions, the people the numbers name, the user names
    new people would take)."""
    facilities = {f.code: f for f in Facility.objects.all()}
    units = {(u.facility_id, u.name.lower()): u for u in Unit.objects.all()}
    positions = {p.code: p for p in Position.objects.filter(is_active=True)}
    staff_numbers = [r.values.get("staff_number") for r in rows if r.values.get("staff_number")]
    prisoner_numbers = [
        r.values["prisoner_number"].upper() for r in rows if r.values.get("prisoner_number")
    ]
    records = {
        r.staff_number: r
        for r in StaffRecord.objects.filter(staff_number__in=staff_numbers).select_related(
            "person", "position"
        )
    }
    prisoners = {
        u.prisoner_number: u for u in User.objects.filter(prisoner_number__in=prisoner_numbers)
    }
    taken = set(
        User.objects.filter(
            username__in=[n for n in staff_numbers if n not in records]
            + [n for n in prisoner_numbers if n not in prisoners]
        ).values_list("username", flat=True)
    )
    seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        staff_no, prisoner_no = v.get("staff_number", ""), v.get("prisoner_number", "").upper()
        if bool(staff_no) == bool(prisoner_no):
            row.errors.append(_("Give a staff number or a prisoner number (one of them)."))
            continue
        key = staff_no or prisoner_no
        if key in seen:
            row.errors.append(_("Same number as line %(line)s.") % {"line": seen[key]})
            continue
        seen[key] = row.line
        for name in ("first_name", "last_name"):
            if not v.get(name):
                row.errors.append(_("%(column)s is empty.") % {"column": name})
        facility = facilities.get(v.get("facility", ""))
        if facility is None:
            row.errors.append(
                _("No facility with code “%(code)s”.") % {"code": v.get("facility", "")}
            )
        unit = None
        if v.get("unit") and facility is not None:
            unit = units.get((facility.pk, v["unit"].lower()))
            if unit is None:
                row.errors.append(
                    _("No unit “%(unit)s” in %(facility)s.")
                    % {"unit": v["unit"], "facility": facility.name}
                )
        position, started_on, email = None, None, v.get("email", "")
        if staff_no:
            if v.get("position"):
                position = positions.get(v["position"])
                if position is None:
                    row.errors.append(
                        _("No position with code “%(code)s”.") % {"code": v["position"]}
                    )
            if v.get("start_date"):
                try:
                    started_on = datetime.date.fromisoformat(v["start_date"])
                except ValueError:
                    row.errors.append(_("Give the start date as YYYY-MM-DD."))
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    row.errors.append(_("“%(email)s” is not an e-mail address.") % {"email": email})
        elif email or v.get("position") or v.get("start_date"):
            row.errors.append(_("Prisoners have no e-mail, position or start date."))
        if row.errors:
            continue
        person = records[staff_no].person if staff_no in records else prisoners.get(prisoner_no)
        if person is None and key in taken:
            row.errors.append(_("Someone else already signs in as “%(name)s”.") % {"name": key})
            continue
        wanted: dict[str, Any] = {
            "first_name": v["first_name"],
            "last_name": v["last_name"],
            "facility": facility,
            "unit": unit,
        }
        if staff_no:
            wanted |= {"email": email, "position": position, "started_on": started_on}
        row.resolved = {"wanted": wanted, "staff_number": staff_no, "prisoner_number": prisoner_no}
        row.person = person
        if person is None:
            row.action = "create"
            row.changes = {k: (None, val) for k, val in wanted.items() if val not in (None, "")}
            continue
        current = _current(person, records.get(staff_no))
        row.changes = {k: (current[k], val) for k, val in wanted.items() if current[k] != val}
        row.action = "update" if row.changes else "unchanged"
    return Plan(rows=rows)


def _current(person: User, record: StaffRecord | None) -> dict[str, Any]:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "facility": person.facility,
        "unit": person.unit,
        "email": person.email,
        "position": record.position if record else None,
        "started_on": record.started_on if record else None,
    }


def people_import_apply(*, actor: User, data: bytes, filename: str) -> Plan:
    """Apply the file (all or nothing): re-plan, refuse to write anything if any row is
    refused, otherwise create and update people in one transaction with an audit row per
    changed person and one for the file; then re-evaluate training once."""
    from . import receivers

    result = plan(read_rows(data, filename))
    if not result.ok:
        return result
    with transaction.atomic(), receivers.quiet():
        for row in result.rows:
            if row.action == "unchanged":
                continue
            _apply_row(actor, row)
        audit_record(
            actor=actor,
            action="training.people_imported",
            obj=actor,
            after={
                "file": filename[:200],
                "created": result.count("create"),
                "updated": result.count("update"),
                "unchanged": result.count("unchanged"),
            },
        )
        from .tasks import evaluate_all_task

        enqueue_on_commit(evaluate_all_task)
    return result


def _apply_row(actor: User, row: Row) -> None:
    wanted = row.resolved["wanted"]
    staff_no, prisoner_no = row.resolved["staff_number"], row.resolved["prisoner_number"]
    person = row.person
    before = {k: str(old) if old is not None else None for k, (old, _new) in row.changes.items()}
    if person is None:
        person = User(
            username=staff_no or prisoner_no,
            role=User.Role.STAFF_LEARNER if staff_no else User.Role.PRISONER_LEARNER,
            prisoner_number=prisoner_no or None,
        )
        person.set_unusable_password()
        old_facility, old_unit = None, None
    else:
        old_facility, old_unit = person.facility, person.unit
    person.first_name, person.last_name = wanted["first_name"], wanted["last_name"]
    person.facility, person.unit = wanted["facility"], wanted["unit"]
    if staff_no:
        person.email = wanted["email"]
        if wanted["position"] is not None:
            person.position = wanted["position"].name
    person.save()
    if staff_no:
        StaffRecord.objects.update_or_create(
            staff_number=staff_no,
            defaults={
                "person": person,
                "position": wanted["position"],
                "started_on": wanted["started_on"],
            },
        )
    if row.person is not None and (old_facility, old_unit) != (person.facility, person.unit):
        Transfer.objects.create(
            person=person,
            from_facility=old_facility,
            from_unit=old_unit,
            to_facility=person.facility,
            to_unit=person.unit,
            recorded_by=actor,
            reason=_("Import"),
        )
    audit_record(
        actor=actor,
        action=f"training.person_{'created' if row.person is None else 'updated'}_by_import",
        obj=person,
        before=before if row.person is not None else None,
        after={k: str(new) if new is not None else None for k, (_old, new) in row.changes.items()},
        facility=person.facility,
    )
