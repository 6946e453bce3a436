"""Staff's own training, officers' compliance pages and exports, and decisions on
requests. Scoping comes from ``training.selectors`` (built on the policy core)."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.core import suppression
from lms.core.models import Facility, User
from lms.core.policy import may_manage_learners
from lms.core.spreadsheets import csv_response, xlsx_response

from . import charts, importing, selectors, services
from .models import Assignment, Pause, PeopleImport, Requirement, StaffRecord, TrainingRequest


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff_member:
        raise Http404  # prisoners see their training on the kiosk, not here


@login_required
def my_training(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    person = request.user
    if request.method == "POST":
        if request.POST.get("seen") == "1":
            services.notifications_mark_read(actor=person)
        return redirect("training:mine")
    notifications = list(selectors.my_notifications(person)[:20])
    record = StaffRecord.objects.filter(person=person).select_related("position").first()
    return render(
        request,
        "training/my_training.html",
        {
            "assignments": selectors.my_assignments(person),
            "history": selectors.my_history(person)[:50],
            "requests": selectors.my_requests(person)[:20],
            "notifications": notifications,
            "record": record,
            "frequency": record.digest_frequency if record else "weekly",
            "frequencies": StaffRecord._meta.get_field("digest_frequency").choices,
            "kinds": TrainingRequest.Kind.choices,
            "languages": settings.LANGUAGES,
            # Read afresh: the signed-in user is kept per process (lms.core.access_memo)
            # and a language is nothing that replaces its token.
            "mail_language": User.objects.get(pk=person.pk).mail_language,
        },
    )


@login_required
@require_POST
def request_create(request: HttpRequest, assignment_id: int) -> HttpResponse:
    _staff_only(request)
    assignment = get_object_or_404(Assignment, pk=assignment_id, person=request.user)
    until = None
    if request.POST.get("until"):
        try:
            until = datetime.date.fromisoformat(request.POST["until"])
        except ValueError:
            messages.error(request, _("Give the date as YYYY-MM-DD."))
            return redirect("training:mine")
    try:
        services.training_request_create(
            actor=request.user,
            assignment=assignment,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            until=until,
        )
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request was sent to your education officer."))
    return redirect("training:mine")


@login_required
@require_POST
def reminders_set(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    try:
        services.digest_frequency_set(
            actor=request.user,
            frequency=request.POST.get("frequency", ""),
            language=request.POST.get("language", ""),
        )
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved."))
    return redirect("training:mine")


def _require_figures(request: HttpRequest) -> QuerySet[Facility]:
    facilities = selectors.compliance_facilities(request.user)
    if not may_manage_learners(request.user) and not facilities.exists():
        raise PermissionDenied
    return facilities


@login_required
def compliance_index(request: HttpRequest) -> HttpResponse:
    facilities = list(_require_figures(request))
    if len(facilities) == 1:
        return redirect("training:compliance", facility_code=facilities[0].code)
    return render(request, "training/compliance_index.html", {"facilities": facilities})


@login_required
def compliance(request: HttpRequest, facility_code: str) -> HttpResponse:
    facility = get_object_or_404(_require_figures(request), code=facility_code)
    figures = selectors.compliance_figures(facility=facility)
    stamp = timezone.localdate().isoformat()
    header = [
        _("Requirement"),
        _("People"),
        _("Compliant (%)"),
        _("Completed"),
        _("Exempt"),
        _("Due in 30 days"),
        _("Overdue"),
        _("Expired"),
        _("Paused"),
    ]
    published = selectors.compliance_published(request.user, figures)
    rows = [
        [
            f.requirement.name,
            suppression.exported(f.total),
            "" if f.percent is None else f.percent,
            suppression.exported(f.completed),
            suppression.exported(f.exempt),
            suppression.exported(f.due_30),
            suppression.exported(f.overdue),
            suppression.exported(f.expired),
            suppression.exported(f.paused),
        ]
        for f in published
    ]
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _download(fmt, f"compliance-{facility.code}-{stamp}", header, rows)
    return render(
        request,
        "training/compliance.html",
        {
            "facility": facility,
            "figures": published,
            "chart": charts.compliance_bars(published),
            "threshold": suppression.threshold(),
            "may_see_names": selectors.may_see_names(request.user),
            "pending": selectors.pending_requests(request.user).count(),
        },
    )


def _download(fmt: str, name: str, header: list, rows: list) -> HttpResponse:
    """The export as CSV or XLSX through the shared writers (``lms.core.spreadsheets``: the
    one place that writes formula-looking cells as text)."""
    if fmt == "csv":
        return csv_response(filename=f"{name}.csv", header=header, rows=rows)
    return xlsx_response(filename=f"{name}.xlsx", title=name, header=header, rows=rows)


@login_required
def compliance_people(
    request: HttpRequest, facility_code: str, requirement_id: int
) -> HttpResponse:
    if not selectors.may_see_names(request.user):
        raise PermissionDenied
    facility = get_object_or_404(_require_figures(request), code=facility_code)
    requirement = get_object_or_404(Requirement, pk=requirement_id)
    state = request.GET.get("state", "")
    people = selectors.compliance_people(
        actor=request.user, facility=facility, requirement=requirement, state=state
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Name"),
            _("Staff number"),
            _("Position"),
            _("State"),
            _("Due"),
            _("Paused days"),
            _("Completed"),
            _("Valid until"),
        ]
        rows = [
            [
                a.person.get_full_name() or a.person.get_username(),
                getattr(getattr(a.person, "staff_record", None), "staff_number", "") or "",
                str(getattr(getattr(a.person, "staff_record", None), "position", "") or ""),
                a.get_state_display(),
                a.effective_due_on.isoformat(),
                a.paused_days,
                a.completed_at.date().isoformat() if a.completed_at else "",
                a.valid_until.isoformat() if a.valid_until else "",
            ]
            for a in people.iterator(chunk_size=1000)
        ]
        stamp = timezone.localdate().isoformat()
        return _download(fmt, f"people-{facility.code}-{requirement.pk}-{stamp}", header, rows)
    return render(
        request,
        "training/compliance_people.html",
        {
            "facility": facility,
            "requirement": requirement,
            "people": people[:500],
            "state": state,
            "states": Assignment.State.choices,
        },
    )


@login_required
def requests_list(request: HttpRequest) -> HttpResponse:
    if not may_manage_learners(request.user):
        raise PermissionDenied
    return render(
        request, "training/requests.html", {"requests": selectors.pending_requests(request.user)}
    )


@login_required
@require_POST
def request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    if not may_manage_learners(request.user):
        raise PermissionDenied
    item = get_object_or_404(selectors.pending_requests(request.user), pk=request_id)
    try:
        services.training_request_decide(
            actor=request.user,
            request=item,
            grant=request.POST.get("decision") == "grant",
            reason=request.POST.get("reason", ""),
        )
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("training:requests")


def _require_administrator(request: HttpRequest) -> None:
    if not (request.user.is_active and request.user.is_administrator):
        raise PermissionDenied


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Administrators upload an HR list or prison register; nothing changes before the
    preview is confirmed."""
    _require_administrator(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
        elif upload.size > importing.MAX_BYTES:
            messages.error(request, _("The file is larger than 10 MB."))
        else:
            item = PeopleImport.objects.create(
                uploaded_by=request.user, filename=upload.name[:200], content=upload.read()
            )
            return redirect("training:import_preview", import_id=item.pk)
    return render(request, "training/import_upload.html", {"columns": importing.COLUMNS})


@login_required
def import_preview(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    _require_administrator(request)
    item = get_object_or_404(
        PeopleImport, pk=import_id, uploaded_by=request.user, applied_at__isnull=True
    )
    data = bytes(item.content)
    try:
        if request.method == "POST":
            result = importing.people_import_apply(
                actor=request.user, data=data, filename=item.filename
            )
            if result.ok:
                item.applied_at = timezone.now()
                item.content = b""
                item.summary = {
                    "created": result.count("create"),
                    "updated": result.count("update"),
                    "unchanged": result.count("unchanged"),
                }
                item.save()
                messages.success(
                    request,
                    _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                    % item.summary,
                )
                return redirect("training:import")
        else:
            result = importing.plan(importing.read_rows(data, item.filename))
    except importing.ImportError_ as error:
        messages.error(request, str(error))
        item.delete()
        return redirect("training:import")
    return render(request, "training/import_preview.html", {"item": item, "plan": result})


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def pauses(request: HttpRequest) -> HttpResponse:
    """Officers declare lockdowns of their facilities and pauses of people they manage;
    nothing counts towards deadlines while they last."""
    if not may_manage_learners(request.user):
        raise PermissionDenied
    if request.method == "POST":
        from lms.core.policy import learners_managed_by

        starts_on = _date(request.POST.get("starts_on", ""))
        ends_on = _date(request.POST.get("ends_on", ""))
        number = request.POST.get("person", "").strip()
        person = (
            learners_managed_by(request.user).filter(username__iexact=number).first()
            if number
            else None
        )
        if starts_on is None or (request.POST.get("ends_on") and ends_on is None):
            messages.error(request, _("Give the dates as YYYY-MM-DD."))
        else:
            try:
                services.pause_declare(
                    actor=request.user,
                    kind=request.POST.get("kind", ""),
                    starts_on=starts_on,
                    ends_on=ends_on,
                    reason=request.POST.get("reason", ""),
                    person=person,
                    facility_code=request.POST.get("facility", ""),
                    unit_name=request.POST.get("unit", "").strip(),
                )
            except services.TrainingError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Recorded. Deadlines move by the paused days."))
                return redirect("training:pauses")
    from lms.core.policy import managed_facilities

    return render(
        request,
        "training/pauses.html",
        {
            "pauses": selectors.pauses_managed_by(request.user)[:200],
            "kinds": Pause.Kind.choices,
            "facilities": managed_facilities(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def pause_end(request: HttpRequest, pause_id: int) -> HttpResponse:
    if not may_manage_learners(request.user):
        raise PermissionDenied
    pause = get_object_or_404(selectors.pauses_managed_by(request.user), pk=pause_id)
    ends_on = _date(request.POST.get("ends_on", "")) or timezone.localdate()
    try:
        services.pause_end(actor=request.user, pause=pause, ends_on=ends_on)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Ended."))
    return redirect("training:pauses")


@login_required
def course_targets(request: HttpRequest) -> HttpResponse:
    """The target dates officers set on prisoners' courses, for one of their facilities:
    who is behind, due soon, on track, or paused (time that does not count, never
    behind), soonest first."""
    if not may_manage_learners(request.user):
        raise PermissionDenied
    from django.core.paginator import Paginator

    from lms.core.policy import managed_facilities

    facilities = list(managed_facilities(request.user).order_by("name"))
    if not facilities:
        raise PermissionDenied
    facility = next((f for f in facilities if f.code == request.GET.get("facility")), facilities[0])
    state = request.GET.get("state", "")
    labels = selectors.TargetState.labels()
    if state not in labels:
        state = ""
    rows, counts, today = selectors.course_targets(request.user, facility, state=state)
    pager = Paginator(rows, 100).get_page(request.GET.get("page"))
    for row in pager:
        row.target_state = selectors.target_state(row, today)
    return render(
        request,
        "training/course_targets.html",
        {
            "facilities": facilities,
            "facility": facility,
            "state": state,
            "tabs": [(name, label, counts[name]) for name, label in labels.items()],
            "total": sum(counts.values()),
            "pager": pager,
            "labels": labels,
            "today": today,
        },
    )
