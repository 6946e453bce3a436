"""Compliance exports as CSV and XLSX. Every cell that a spreadsheet would read as a
formula (it begins with = + - @, a tab or a carriage return) is written as text, so a
name like ``=HYPERLINK(...)`` typed into an HR list cannot run in an officer's
spreadsheet (``lms.core.spreadsheets.safe_cell``, the one rule for every export)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from lms.core.spreadsheets import safe_cell


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read UTF-8 (Kazakh names)
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue().encode("utf-8")


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet")
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
