"""The lesson page's H5P endpoints: xAPI statements and saved state.

The lesson page (never the sandboxed player frame, which has no cookies) sends them with
the session, the CSRF token and the view's grant (``X-Qadam-View``). Every URL names a
lesson and the id of its H5P block: the user must be signed in and may see that lesson
(live, and for their audience), or be staff who may edit it; and the grant must have been
handed out to this user for this lesson and block, and not have expired (else 403). The
player frame's own files are ``h5p.frame``.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.models import ActivityResult, LessonPage
from courses.participation import consent_needed
from courses.selectors import lesson_outstanding_activities, page_for_request

from .models import ContentUserData
from .permissions import may_author
from .player import result_line
from .services import H5PError, content_user_data_save, xapi_statement_record
from .view_grants import HEADER, grant_allows, view_grant_read

MAX_STATEMENT_BYTES = 64 * 1024


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Files and endpoints answer 403 to a signed-out request (no login redirect)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated or not request.user.is_active:
            return JsonResponse({"success": False, "message": "Sign in."}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def lesson_block(request: HttpRequest, lesson_id: int, block_id: str) -> tuple[LessonPage, Any]:
    """The lesson and the value of its H5P block ``block_id``, if ``request.user`` may see
    them; else 404 (we do not say whether the lesson exists).

    The player asks for a lesson's files and sends statements many times a minute: a live
    lesson comes from what the process remembers (``lms.core.serving``); only an author
    (drafts included) has the lesson read afresh.
    """
    user = request.user
    lesson = page_for_request(model=LessonPage, request=request, page_id=lesson_id)
    # Voluntary courses: nothing of the activity (files, statements, state) before consent.
    if lesson is None or consent_needed(learner_id=user.pk, course=lesson.course):
        lesson = _lesson_for_author(user, lesson_id)
    for block in lesson.body:
        if block.id == block_id and block.block_type == "h5p" and block.value.get("content"):
            return lesson, block.value
    raise Http404


def _lesson_for_author(user: Any, lesson_id: int) -> LessonPage:
    """The lesson as it is now (live or a draft), for staff who may edit it; else 404."""
    if not may_author(user):
        raise Http404
    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if lesson is None or not lesson.permissions_for_user(user).can_edit():
        raise Http404
    return lesson


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    """A JSON number as a float, refusing one too large to be finite (``1e999`` would
    become infinity, which no JSON column can store)."""
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is not a finite number")
    return number


def _granted(request: HttpRequest, lesson: LessonPage, block_id: str) -> bool:
    grant = view_grant_read(request.META.get(HEADER))
    return grant_allows(grant, learner_id=request.user.pk, lesson_id=lesson.pk, block_id=block_id)


def _no_grant() -> JsonResponse:
    return JsonResponse(
        {
            "stored": False,
            "success": False,
            "message": _("This page has been open too long. Reload it to go on."),
        },
        status=403,
    )


@_signed_in
@require_POST
def xapi(request: HttpRequest, lesson_id: int, block_id: str) -> JsonResponse:
    """Store one statement: ``{"id": "<uuid made by the page>", "statement": {...}}``,
    with the view's grant in ``X-Qadam-View``. Answers with the learner's result line."""
    lesson, value = lesson_block(request, lesson_id, block_id)
    if not _granted(request, lesson, block_id):
        return _no_grant()
    if len(request.body) > MAX_STATEMENT_BYTES:
        return JsonResponse({"stored": False, "message": "Too large."}, status=413)
    try:
        # NaN and Infinity are not JSON, and 1e999 is infinity once read: a body with any
        # of them is refused, never stored.
        payload = json.loads(
            request.body, parse_constant=_refuse_constant, parse_float=_finite_float
        )
        client_id = uuid.UUID(str(payload["id"]))
        statement = payload["statement"]
        if not isinstance(statement, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError, RecursionError):
        return JsonResponse({"stored": False, "message": _("Not an xAPI statement.")}, status=400)
    record, created = xapi_statement_record(
        actor=request.user,
        lesson=lesson,
        block_id=block_id,
        block_value=value,
        client_id=client_id,
        statement=statement,
    )
    best = ActivityResult.objects.filter(
        learner=request.user, lesson_key=lesson.translation_key, activity_key=block_id
    ).first()
    outstanding = lesson_outstanding_activities(learner=request.user, lesson=lesson)
    return JsonResponse(
        {
            "stored": True,
            "id": str(record.id),
            "duplicate": not created,
            "counted": record.counted,
            "message": getattr(record, "refusal", ""),
            "result": result_line(best, int(value["pass_mark"])),
            "passed": bool(best and best.passed),
            # What the lesson's footer says now: the next activity to pass, or nothing
            # (the page then offers "Mark as done").
            "lesson_outstanding": render_to_string(
                "courses/includes/lesson_outstanding.html", {"first": outstanding[0]}, request
            ).strip()
            if outstanding
            else "",
        },
        status=201 if created else 200,
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def state(
    request: HttpRequest, lesson_id: int, block_id: str, data_type: str, sub_content_id: str
) -> HttpResponse:
    """H5P's content-user-data protocol, per learner, content, lesson and activity: GET
    answers ``{"success", "data"}``; POST saves ``data`` (``0`` forgets it)."""
    lesson, value = lesson_block(request, lesson_id, block_id)
    if not _granted(request, lesson, block_id):
        return _no_grant()
    content = value["content"]
    if request.method == "GET":
        data = (
            ContentUserData.objects.filter(
                learner=request.user,
                content=content,
                lesson_key=lesson.translation_key,
                activity_key=block_id,
                data_type=data_type,
                sub_content_id=sub_content_id,
            )
            .values_list("data", flat=True)
            .first()
        )
        return JsonResponse({"success": True, "data": data if data is not None else False})
    data = request.POST.get("data")
    if data is None:
        return HttpResponseBadRequest()
    try:
        content_user_data_save(
            actor=request.user,
            content=content,
            lesson=lesson,
            block_id=block_id,
            data_type=data_type,
            sub_content_id=sub_content_id,
            data=None if data == "0" else data,
        )
    except H5PError as error:
        return JsonResponse({"success": False, "message": str(error)}, status=413)
    return JsonResponse({"success": True})
