"""A lesson of a course that asks for consent opens only after the learner agreed; until
then they are sent to the course page, where the notice and the consent step are."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.models import Page

from courses.participation import consent_needed


@hooks.register("before_serve_page")
def require_consent(
    page: Page, request: HttpRequest, serve_args: Any, serve_kwargs: Any
) -> HttpResponse | None:
    course = getattr(page, "course", None)
    if course is None or not request.user.is_authenticated:
        return None
    if consent_needed(learner_id=request.user.pk, course=course):
        return redirect(course.url)
    return None
