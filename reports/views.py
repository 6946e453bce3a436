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


@login_required
def packs(request: HttpRequest) -> HttpResponse:
    """The monitoring packs kept for this reader, and a form to make one: a range of
    months, all facilities they may see or one, a language."""
    from django.conf import settings
    from django.contrib import messages
    from django.shortcuts import redirect

    from lms.core.policy import report_facilities

    from .packs import PackRefused, pack_make, packs_visible_to

    _require_reports(request)
    facilities = list(report_facilities(request.user).order_by("name"))
    national = request.user.is_administrator or request.user.role == "monitor"
    if request.method == "POST":
        period = period_from_query(request.POST)
        code = request.POST.get("facility", "")
        facility = next((f for f in facilities if f.code == code), None)
        language = request.POST.get("language", "")
        if (code and facility is None) or (not code and not national):
            messages.error(request, _("Choose a facility of yours."))
        elif language not in dict(settings.LANGUAGES):
            messages.error(request, _("Choose a language."))
        else:
            try:
                pack_make(actor=request.user, period=period, facility=facility, language=language)
            except PackRefused:
                messages.error(request, _("Choose a facility of yours."))
            else:
                messages.success(request, _("The pack is ready: it is at the top of the list."))
        return redirect("reports:packs")
    period = period_from_query(request.GET)
    return render(
        request,
        "reports/packs.html",
        {
            "packs": packs_visible_to(request.user)[:100],
            "facilities": facilities,
            "national": national,
            "languages": settings.LANGUAGES,
            "first_month": f"{period.first:%Y-%m}",
            "last_month": f"{period.last:%Y-%m}",
        },
    )


@login_required
def pack_download(request: HttpRequest, pack_id) -> HttpResponse:
    """One kept pack as a PDF, to those who may read it; each download audited."""
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404

    from .packs import packs_visible_to

    _require_reports(request)
    pack = get_object_or_404(packs_visible_to(request.user), pk=pack_id)
    services.pack_download_record(actor=request.user, pack=pack)
    where = pack.facility.code if pack.facility else "all"
    return FileResponse(
        pack.pdf.open("rb"),
        as_attachment=True,
        filename=f"monitoring-pack-{pack.first_month:%Y-%m}_{pack.last_month:%Y-%m}-{where}-"
        f"{pack.language}.pdf",
        content_type="application/pdf",
    )
