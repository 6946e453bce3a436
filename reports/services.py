"""Writes of the reports app: audit rows of an export, a pack download and a look at the
people behind a figure (the monitoring packs themselves are made by ``reports.packs``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lms.core.audit import audit_record, audit_records
from lms.core.models import Facility, User
from lms.core.policy import may_open_report_people, request_origin

from .periods import Period
from .selectors import PersonRow, report_people


def report_export_record(
    *,
    actor: User,
    period: Period,
    fmt: str,
    facility_codes: list[str],
    table: str = "overview",
) -> None:
    """Record that ``actor`` exported the report of ``period`` (which table, which
    facilities, which format): one audit row, in its own transaction, written before the
    file is sent. Not idempotent: each download is its own row."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="reports.export",
            obj=actor,
            after={
                "format": fmt,
                "table": table,
                "from": f"{period.first:%Y-%m}",
                "to": f"{period.last:%Y-%m}",
                "facilities": facility_codes[:200],
                "suppressed": True,
            },
        )


def pack_download_record(*, actor: User, pack) -> None:
    """Record that ``actor`` downloaded a monitoring pack (one audit row each time)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="reports.pack_download",
            obj=pack,
            after={"sha256": pack.sha256, "language": pack.language},
            facility=pack.facility,
        )


class ReportPeopleRefused(Exception):
    """The actor may not open the people behind this figure (``may_open_report_people``)."""


def report_people_open(
    *,
    actor: User,
    facility: Facility,
    figure: str,
    period: Period,
    purpose: str,
    course_key: Any = None,
    voluntary: bool = False,
    request: Any = None,
) -> list[PersonRow]:
    """The people behind ``figure`` of ``facility`` in ``period`` for ``actor``, read with
    a stated ``purpose`` and audited in the same transaction as the read, before anything
    is shown: one ``reports.people_open`` row for the look (who, when, why, which figure,
    facility, period and course, how many records, from which address) and one
    ``person.read`` row per person shown, so each person's trail has the read. Raises
    ``ReportPeopleRefused`` when the policy says no (monitors, another facility, a
    voluntary programme) or no purpose is given; nothing is read then. Not idempotent:
    every look is its own row."""
    purpose = (purpose or "").strip()
    if not purpose or not may_open_report_people(actor, facility, voluntary=voluntary):
        raise ReportPeopleRefused
    where = request_origin(request) if request is not None else {}
    with transaction.atomic():
        rows = report_people(
            actor=actor, facility=facility, figure=figure, period=period, course_key=course_key
        )
        audit_record(
            actor=actor,
            action="reports.people_open",
            obj=facility,
            after={
                "reason": purpose[:200],
                "figure": figure,
                "from": f"{period.first:%Y-%m}",
                "to": f"{period.last:%Y-%m}",
                "facility": facility.code,
                "course_key": str(course_key) if course_key else None,
                "records": len(rows),
                **where,
            },
            facility=facility,
        )
        people = {row.person.pk: row.person for row in rows}
        audit_records(
            actor=actor,
            action="person.read",
            objs=[(person, person.facility_id) for person in people.values()],
            after={"page": "report_people", "figure": figure, **where},
        )
    return rows
