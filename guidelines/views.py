"""Acknowledging a guideline (staff) and the acknowledgement report (officers, admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.core.policy import may_manage_learners
from lms.core.spreadsheets import csv_response

from . import selectors, services
from .models import GuidelinePage


def _staff_guideline(request: HttpRequest, page_id: int) -> GuidelinePage:
    if not request.user.is_staff_member:
        raise Http404  # prisoners never learn that a guideline exists
    return get_object_or_404(GuidelinePage.objects.live(), pk=page_id)


@login_required
@require_POST
def acknowledge(request: HttpRequest, page_id: int) -> HttpResponse:
    guideline = _staff_guideline(request, page_id)
    try:
        services.guideline_acknowledge(actor=request.user, guideline=guideline)
    except services.GuidelineError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you. Your acknowledgement is recorded."))
    return redirect(guideline.url)


def _require_manager(request: HttpRequest) -> None:
    if not may_manage_learners(request.user):
        raise PermissionDenied


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return render(
        request,
        "guidelines/manage/index.html",
        {"guidelines": selectors.guidelines_requiring_acknowledgement()},
    )


@login_required
def report(request: HttpRequest, page_id: int) -> HttpResponse:
    _require_manager(request)
    guideline = get_object_or_404(
        GuidelinePage.objects.live().filter(requires_acknowledgement=True), pk=page_id
    )
    groups = selectors.acknowledgement_report(viewer=request.user, guideline=guideline)
    if request.GET.get("format") == "csv":
        stamp = timezone.localdate().isoformat()
        return csv_response(
            filename=f"acknowledgements-{guideline.slug}-{stamp}.csv",
            header=[
                _("Facility"),
                _("Name"),
                _("Username"),
                _("Position"),
                _("Acknowledged"),
                _("Version"),
            ],
            rows=(
                [
                    str(group.facility or _("Headquarters")),
                    row.person.get_full_name(),
                    row.person.get_username(),
                    row.person.position,
                    timezone.localtime(row.acknowledged_at).strftime("%Y-%m-%d %H:%M")
                    if row.acknowledged_at
                    else "",
                    row.version or "",
                ]
                for group in groups
                for row in group.rows
            ),
        )
    return render(
        request, "guidelines/manage/report.html", {"guideline": guideline, "groups": groups}
    )
