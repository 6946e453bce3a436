from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from courses.models import CoursePage
from lms.core.policy import may_open_report_people, may_see_reports, report_people_facilities
from lms.core.spreadsheets import csv_response, xlsx_response
from lms.core.suppression import exported, threshold

from . import activity, breakdowns, charts, durations, lapses, selectors, services
from .forms import ReportPeoplePurposeForm
from .periods import Period, period_from_query


def _require_reports(request: HttpRequest) -> None:
    if not may_see_reports(request.user):
        raise PermissionDenied


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    period = period_from_query(request.GET)
    report = selectors.report_figures(actor=request.user, period=period)
    # Officers (their facilities) and administrators may open the people behind a
    # facility's figure; monitors never (``report_people_facilities`` is empty for them).
    openable = set(report_people_facilities(request.user).values_list("pk", flat=True))

    def people_url(facility, months: Period) -> str:
        return _people_url(facility.code, months) if facility.pk in openable else ""

    facility_rows = [
        {
            "row": row,
            "months": [
                (date_format(month, "M Y"), people_url(row.facility, Period(month, 1)), figures)
                for month, figures in zip(period.month_starts, row.months, strict=True)
            ],
            "total_url": people_url(row.facility, period),
        }
        for row in report.rows
    ]
    return render(
        request,
        "reports/overview.html",
        {
            "report": report,
            "facility_rows": facility_rows,
            "people_note": bool(openable),
            "active": activity.active_learners(actor=request.user, period=period),
            "windows": activity.WINDOWS,
            "lapses": lapses.certificate_lapses(actor=request.user, period=period),
            "durations": durations.median_days_to_complete(actor=request.user, period=period),
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


#: What each figure's people page calls the figure and the date beside each person.
PEOPLE_LABELS = {
    "enrolments": (gettext_lazy("Enrolments"), gettext_lazy("Enrolled on")),
    "completions": (gettext_lazy("Completions"), gettext_lazy("Completed on")),
    "issued": (gettext_lazy("Certificates issued"), gettext_lazy("Issued on")),
}


def _people_url(facility_code: str, period: Period, **extra: str) -> str:
    """The people page of a facility's figures over ``period``, without the figure (the
    template adds ``&figure=``)."""
    query = urlencode({**period.query(), **extra})
    return f"{reverse('reports:people', args=[facility_code])}?{query}"


def _course_of(request: HttpRequest) -> tuple[uuid.UUID | None, CoursePage | None, bool]:
    """The course a people page is narrowed to (``?course=<translation key>``): its key,
    a page of it to name it, and whether it is a voluntary programme in any language.
    404 for a key that is no course."""
    text = request.GET.get("course", "")
    if not text:
        return None, None, False
    try:
        key = uuid.UUID(text)
    except ValueError:
        raise Http404 from None
    pages = CoursePage.objects.filter(translation_key=key)
    page = pages.filter(locale__language_code=request.LANGUAGE_CODE).first() or pages.first()
    if page is None:
        raise Http404
    return key, page, CoursePage.objects.voluntary().filter(translation_key=key).exists()


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def people(request: HttpRequest, facility_code: str) -> HttpResponse:
    """The people behind one figure of a facility (``?figure=`` enrolments, completions or
    issued; the period as on the overview; optionally ``?course=``), for an officer of
    that facility or an administrator. GET asks why; POST with a purpose reads them
    (audited by the service before anything shows) and shows them once: nothing is cached
    and a new look asks again. Monitors: 403 (aggregates only); another facility: 404; a
    voluntary programme: 403 for everyone."""
    _require_reports(request)
    allowed = report_people_facilities(request.user)
    if not allowed.exists():
        raise PermissionDenied
    facility = get_object_or_404(allowed, code=facility_code)
    figure = request.GET.get("figure", "")
    if figure not in selectors.PEOPLE_FIGURES:
        raise Http404
    period = period_from_query(request.GET)
    course_key, course, voluntary = _course_of(request)
    if voluntary:
        return render(request, "reports/people_voluntary.html", {"course": course}, status=403)
    if not may_open_report_people(request.user, facility):
        raise PermissionDenied
    figure_label, date_label = PEOPLE_LABELS[figure]
    context = {
        "facility": facility,
        "figure": figure,
        "figure_label": figure_label,
        "date_label": date_label,
        "course": course,
        "first_month": date_format(period.first, "F Y"),
        "last_month": date_format(period.last, "F Y"),
        "back_query": urlencode(period.query()),
    }
    form = ReportPeoplePurposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.report_people_open(
                actor=request.user,
                facility=facility,
                figure=figure,
                period=period,
                purpose=form.reason,
                course_key=course_key,
                voluntary=voluntary,
                request=request,
            )
        except services.ReportPeopleRefused:
            raise PermissionDenied from None
        purpose = dict(form.fields["purpose"].choices)[form.cleaned_data["purpose"]]
        return render(
            request,
            "reports/people.html",
            {**context, "rows": rows, "purpose": purpose, "details": form.cleaned_data["details"]},
        )
    return render(request, "reports/people_reason.html", {**context, "form": form})


#: What each breakdown's page is called, and what its parts are.
BREAKDOWN_LABELS = {
    "unit": (gettext_lazy("Reports: by unit"), gettext_lazy("Unit")),
    "programme_type": (gettext_lazy("Reports: by programme type"), gettext_lazy("Programme type")),
    "course": (gettext_lazy("Reports: by course"), gettext_lazy("Course")),
}


@login_required
def breakdown(request: HttpRequest, by: str) -> HttpResponse:
    """A facility's figures split by unit, programme type or course, for the same viewers
    and with the same suppression as the overview (``reports.breakdowns``); ``?format=csv``
    or ``xlsx`` downloads it, always suppressed and audited. An officer's course counts
    link to their people."""
    _require_reports(request)
    if by not in breakdowns.BY:
        raise Http404
    period = period_from_query(request.GET)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return _breakdown_export(request, by, period, fmt)
    result = breakdowns.report_breakdown(actor=request.user, period=period, by=by)
    openable = set(report_people_facilities(request.user).values_list("pk", flat=True))

    def rows(part: breakdowns.Part, facility=None) -> dict:
        def url(months: Period) -> str:
            if by != "course" or facility is None or facility.pk not in openable:
                return ""
            return _people_url(facility.code, months, course=str(part.key)) if part.key else ""

        return {
            "part": part,
            "months": [
                (date_format(month, "M Y"), url(Period(month, 1)), figures)
                for month, figures in zip(period.month_starts, part.months, strict=True)
            ],
            "total_url": url(period),
        }

    title, part_label = BREAKDOWN_LABELS[by]
    return render(
        request,
        "reports/breakdown.html",
        {
            "breakdown": result,
            "title": title,
            "part_label": part_label,
            "facilities": [
                (one.facility, [rows(p, one.facility) for p in one.parts])
                for one in result.facilities
            ],
            # One facility's parts together are its parts again: shown once.
            "together": [rows(p) for p in result.together] if len(result.facilities) > 1 else [],
            "tabs": [(key, labels[0], key == by) for key, labels in BREAKDOWN_LABELS.items()],
            "first_month": f"{period.first:%Y-%m}",
            "last_month": f"{period.last:%Y-%m}",
            "export_query": urlencode(period.query()),
            "people_note": by == "course" and bool(openable),
        },
    )


def _breakdown_export(request: HttpRequest, by: str, period: Period, fmt: str) -> HttpResponse:
    """A breakdown as a file: always suppressed, one row per facility, part and month,
    then each part's period, then the parts of all facilities shown; audited before it is
    sent."""
    result = breakdowns.report_breakdown(actor=request.user, period=period, by=by, export=True)
    services.report_export_record(
        actor=request.user,
        period=period,
        fmt=fmt,
        facility_codes=[one.facility.code for one in result.facilities],
        table=f"breakdown:{by}",
    )
    months = [f"{m:%Y-%m}" for m in period.month_starts]
    whole = _("%(first)s to %(last)s") % {"first": months[0], "last": months[-1]}
    out: list[list] = []
    groups = [(one.facility.name, one.parts) for one in result.facilities]
    if result.together:
        groups.append((_("All facilities shown"), result.together))
    for name, parts in groups:
        for part in parts:
            for month, figures in zip(months, part.months, strict=True):
                out.append([name, part.label, month, *_cells(figures)])
            out.append([name, part.label, whole, *_cells(part.total)])
    header = [
        _("Facility"),
        str(BREAKDOWN_LABELS[by][1]),
        _("Month"),
        _("Enrolments"),
        _("Completions"),
        _("Completion rate (%)"),
        _("Certificates issued"),
    ]
    filename = f"report-{by.replace('_', '-')}-{period.slug}"
    if fmt == "xlsx":
        return xlsx_response(filename=f"{filename}.xlsx", title=filename, header=header, rows=out)
    return csv_response(filename=f"{filename}.csv", header=header, rows=out)


@login_required
def packs(request: HttpRequest) -> HttpResponse:
    """The monitoring packs kept for this reader, and a form to make one: a range of
    months, all facilities they may see or one, a language."""
    from django.conf import settings
    from django.contrib import messages
    from django.shortcuts import redirect

    from lms.core.policy import report_facilities

    from .packs import PackRefused, pack_make, packs_visible_to, reads_national_packs

    _require_reports(request)
    facilities = list(report_facilities(request.user).order_by("name"))
    national = reads_national_packs(request.user)
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


@login_required
def items(request: HttpRequest, page_id: int) -> HttpResponse:
    """Item analysis of one course's quizzes, for trainers and administrators."""
    from lms.core.policy import may_see_item_analysis

    from .items import item_analysis

    if not may_see_item_analysis(request.user):
        raise PermissionDenied
    course = get_object_or_404(CoursePage.objects.live(), pk=page_id)
    return render(
        request,
        "reports/items.html",
        {"course": course, "quizzes": item_analysis(course), "threshold": threshold()},
    )
