"""The learner agrees to take part, or stops; no reason is ever asked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.audience import audience_allows
from courses.models import CoursePage
from courses.services import CourseError

from . import services


def _course(request: HttpRequest, page_id: int) -> CoursePage:
    course = get_object_or_404(CoursePage.objects.live(), pk=page_id)
    if not audience_allows(request.user, course.audience) or not course.requires_consent:
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
