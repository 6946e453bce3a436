"""Writes of the reports app: the audit rows of exports and pack downloads (the packs
themselves are made by ``reports.packs``)."""

from __future__ import annotations

from django.db import transaction

from lms.core.audit import audit_record
from lms.core.models import User

from .periods import Period


def report_export_record(
    *, actor: User, period: Period, fmt: str, facility_codes: list[str]
) -> None:
    """Record that ``actor`` exported the report of ``period`` (which facilities, which
    format): one audit row, in its own transaction, written before the file is sent. Not
    idempotent: each download is its own row."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="reports.export",
            obj=actor,
            after={
                "format": fmt,
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
