from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lms.core.policy import may_see_reports
from lms.core.spreadsheets import csv_response, xlsx_response
from lms.core.suppression import exported

from . import charts, selectors, services
from .periods import period_from_query


def _require_reports(request: HttpRequest) -> None:
    if not may_see_reports(request.user):
        raise PermissionDenied


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    period = period_from_query(request.GET)
    report = selectors.report_figures(actor=request.user, period=period)
    return render(
        request,
        "reports/overview.html",
        {
            "report": report,
            "chart": charts.trend_chart(report),
            "month_names": [date_format(m, "M Y") for m in period.month_starts],
            "first_month": f"{period.first:%Y-%m}",
            "last_month": f"{period.last:%Y-%m}",
            "export_query": urlencode(period.query()),
        },
    )


def _rate(value: float | None) -> float | str:
    return "" if value is None else value


def _cells(figures: selectors.Figures) -> list[str | int | float]:
    return [
        exported(figures.enrolments),
        exported(figures.completions),
        _rate(figures.completion_rate),
        exported(figures.issued),
    ]


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report's table as a file: always suppressed (the file leaves the system), one
    row per facility and month, then each facility's period and the shown facilities'
    months; through the shared writers (``lms.core.spreadsheets``: no cell run as a
    formula). Audited before it is sent."""
    _require_reports(request)
    period = period_from_query(request.GET)
    report = selectors.report_figures(actor=request.user, period=period, export=True)
    services.report_export_record(
        actor=request.user,
        period=period,
        fmt=fmt,
        facility_codes=[row.facility.code for row in report.rows],
    )
    months = [f"{m:%Y-%m}" for m in period.month_starts]
    whole = _("%(first)s to %(last)s") % {"first": months[0], "last": months[-1]}
    everyone = _("All facilities shown")
    rows: list[list] = []
    for row in report.rows:
        for month, figures in zip(months, row.months, strict=True):
            rows.append([row.facility.name, month, *_cells(figures)])
        rows.append([row.facility.name, whole, *_cells(row.total)])
    for month, figures in zip(months, report.month_totals, strict=True):
        rows.append([everyone, month, *_cells(figures)])
    rows.append([everyone, whole, *_cells(report.total)])
    header = [
        _("Facility"),
        _("Month"),
        _("Enrolments"),
        _("Completions"),
        _("Completion rate (%)"),
        _("Certificates issued"),
    ]
    name = f"report-{period.slug}"
    if fmt == "xlsx":
        return xlsx_response(filename=f"{name}.xlsx", title=name, header=header, rows=rows)
    return csv_response(filename=f"{name}.csv", header=header, rows=rows)


@login_required
def overview_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@login_required
def overview_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")
