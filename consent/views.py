"""The learner agrees to take part, or stops (no reason is ever asked), and sees their own
consent history; need-to-know staff see a learner's history after stating why."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import CoursePage
from courses.selectors import page_for_request
from courses.services import CourseError
from lms.core.policy import may_manage_learners, people_visible_to, person_for_staff_read

from . import selectors, services
from .forms import ConsentReadReasonForm


def _course(request: HttpRequest, page_id: int) -> CoursePage:
    course = page_for_request(model=CoursePage, request=request, page_id=page_id)
    if course is None or not course.asks_for_consent:
        raise Http404
    return course


@login_required
@require_POST
def give(request: HttpRequest, page_id: int) -> HttpResponse:
    course = _course(request, page_id)
    try:
        services.consent_give(actor=request.user, course=course)
    except CourseError as error:
        messages.info(request, str(error))
    return redirect(course.url)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, page_id: int) -> HttpResponse:
    """GET asks "do you want to stop?" (one tap back or one tap to stop); POST stops."""
    course = _course(request, page_id)
    if request.method == "POST":
        services.consent_withdraw(actor=request.user, course=course)
        messages.info(request, _("You stopped taking part. You can join again at any time."))
        return redirect(course.url)
    return render(request, "consent/withdraw.html", {"course": course})


@login_required
@require_GET
@never_cache
def my_history(request: HttpRequest) -> HttpResponse:
    """The person's own choices: which programmes they agreed to, stopped, and when. Opens
    on a kiosk (it is their own page) in the kiosk theme."""
    records = selectors.consent_history_own(learner=request.user)
    return render(
        request,
        "consent/my_history.html",
        {"courses": selectors.consent_history_by_course(records=records)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def manage_history(request: HttpRequest, public_id: str) -> HttpResponse:
    """A learner's consent history for an education officer of their facility or an
    administrator. GET asks why; POST with a reason reads it (audited by the selector) and
    shows it once: nothing is cached and a new look asks again."""
    if not may_manage_learners(request.user):
        raise PermissionDenied
    # A learner of another facility (or a guessed ID) is refused and the attempt logged.
    learner = person_for_staff_read(
        request,
        people_visible_to(request.user).learners().select_related("facility"),
        public_id=public_id,
        page="consent_history",
    )
    form = ConsentReadReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        records = selectors.consent_history_for_staff(
            viewer=request.user, learner=learner, reason=form.reason, request=request
        )
        return render(
            request,
            "consent/manage_history.html",
            {
                "learner": learner,
                "courses": selectors.consent_history_by_course(records=records),
                "purpose": dict(form.fields["purpose"].choices)[form.cleaned_data["purpose"]],
                "details": form.cleaned_data["details"],
            },
        )
    return render(request, "consent/manage_reason.html", {"learner": learner, "form": form})
