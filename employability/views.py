"""The employability record: the person's own page (kiosk/learner web) and the officers'
page on the staff web, scoped to their facilities."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lms.core.bad_input import uuid_or_bad_input
from lms.core.policy import may_manage_learners, person_for_staff_read

from . import services
from .forms import ExportForm, GoalForm, PlacementForm
from .models import Goal
from .selectors import employability_record, prisoners_managed_by


@login_required
@require_http_methods(["GET", "POST"])
def my_record(request: HttpRequest) -> HttpResponse:
    """A prisoner's own record, and their choice about faith-based programmes."""
    if not request.user.is_prisoner:
        raise PermissionDenied
    if request.method == "POST":
        services.record_preference_set(
            actor=request.user,
            person=request.user,
            include_faith_based=request.POST.get("include_faith_based") == "1",
        )
        messages.success(request, _("Your choice is saved."))
        return redirect("employability:mine")
    return render(
        request,
        "employability/my_record.html",
        {"record": employability_record(person=request.user)},
    )


def _person(request: HttpRequest, public_id: str):
    if not may_manage_learners(request.user):
        raise PermissionDenied
    return person_for_staff_read(
        request,
        prisoners_managed_by(request.user),
        public_id=public_id,
        page="employability_record",
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_record(request: HttpRequest, public_id: str) -> HttpResponse:
    person = _person(request, public_id)
    action = request.POST.get("action")
    placement_form = PlacementForm(
        request.POST if action == "placement" else None, prefix="placement"
    )
    goal_form = GoalForm(request.POST if action == "goal" else None, prefix="goal")
    try:
        if action == "placement" and placement_form.is_valid():
            data = placement_form.cleaned_data
            services.placement_create(
                actor=request.user,
                person=person,
                kind=data["kind"],
                role=data["role"],
                description=data["description"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
                hours_per_week=data["hours_per_week"],
            )
            messages.success(request, _("Saved."))
            return redirect("employability:manage", public_id=public_id)
        if action == "goal" and goal_form.is_valid():
            services.goal_create(
                actor=request.user,
                person=person,
                text=goal_form.cleaned_data["text"],
                target_date=goal_form.cleaned_data["target_date"],
            )
            messages.success(request, _("Saved."))
            return redirect("employability:manage", public_id=public_id)
        if action == "goal_achieved":
            goal = get_object_or_404(
                Goal, pk=uuid_or_bad_input(request.POST.get("goal")), person=person
            )
            services.goal_achieved(actor=request.user, goal=goal)
            return redirect("employability:manage", public_id=public_id)
    except services.RecordError as error:
        messages.error(request, str(error))
    return render(
        request,
        "employability/manage_record.html",
        {
            "person": person,
            "record": employability_record(person=person),
            "placement_form": placement_form,
            "goal_form": goal_form,
            "export_form": ExportForm(initial={"language": request.LANGUAGE_CODE}),
        },
    )


@login_required
@require_POST
@never_cache
def manage_export(request: HttpRequest, public_id: str) -> HttpResponse:
    """At release: the CV PDF or the JSON bundle of signed credentials. Audited."""
    person = _person(request, public_id)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return redirect("employability:manage", public_id=public_id)
    kind = form.cleaned_data["kind"]
    content, content_type = services.record_export(
        actor=request.user, person=person, kind=kind, language=form.cleaned_data["language"]
    )
    response = HttpResponse(content, content_type=content_type)
    extension = "pdf" if kind == "cv" else "json"
    name = "cv" if kind == "cv" else "credentials"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{person.public_id}.{extension}"'
    )
    return response
