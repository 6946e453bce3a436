"""Serving H5P packages to the player, and the player's xAPI and saved-state endpoints.

Every URL names a lesson and the id of its H5P block: the user must be signed in and may
see that lesson (live, and for their audience), or be staff who may edit it. Content files
are served from ``H5P_ROOT`` only through here; library files (shared code, not secret)
need a signed-in user and are cached for a year under a URL that changes with every
install or upgrade.
"""

from __future__ import annotations

import json
import mimetypes
import uuid
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import LessonPage
from courses.participation import consent_needed
from courses.selectors import page_for_request

from .models import h5p_root
from .permissions import may_author
from .services import H5PError, content_user_data_save, xapi_statement_record
from .svg import svg_response_protect

MAX_STATEMENT_BYTES = 64 * 1024
YEAR = 365 * 24 * 60 * 60

MIME_TYPES = {
    ".json": "application/json",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".vtt": "text/vtt; charset=utf-8",
    ".webvtt": "text/vtt; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".csv": "text/plain; charset=utf-8",
}


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


def _file(base: Path, relative: str, cache: str) -> FileResponse:
    parts = relative.split("/")
    if not relative or "\\" in relative or any(part in ("", ".", "..") for part in parts):
        raise Http404
    path = base.joinpath(*parts)
    try:
        resolved = path.resolve(strict=True)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    if not resolved.is_file() or not resolved.is_relative_to(base.resolve()):
        raise Http404
    suffix = resolved.suffix.lower()
    content_type = MIME_TYPES.get(suffix) or mimetypes.guess_type(resolved.name)[0]
    # FileResponse closes the file when the response is done.
    handle = open(resolved, "rb")  # noqa: SIM115
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = cache
    if suffix == ".svg":
        svg_response_protect(response)
    return response


@_signed_in
@require_GET
def package_file(request: HttpRequest, lesson_id: int, block_id: str, path: str) -> FileResponse:
    _lesson, value = lesson_block(request, lesson_id, block_id)
    if path != "h5p.json" and not path.startswith("content/"):
        raise Http404
    return _file(value["content"].path, path, "private, max-age=3600")


@_signed_in
@require_GET
def library_file(request: HttpRequest, revision: int, path: str) -> FileResponse:
    return _file(h5p_root() / "libraries", path, f"private, max-age={YEAR}, immutable")


@_signed_in
@require_POST
def xapi(request: HttpRequest, lesson_id: int, block_id: str) -> JsonResponse:
    """Store one statement: ``{"id": "<uuid made by the page>", "statement": {...}}``."""
    lesson, value = lesson_block(request, lesson_id, block_id)
    if len(request.body) > MAX_STATEMENT_BYTES:
        return JsonResponse({"stored": False, "message": "Too large."}, status=413)
    try:
        payload = json.loads(request.body)
        client_id = uuid.UUID(str(payload["id"]))
        statement = payload["statement"]
        if not isinstance(statement, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"stored": False, "message": "Not an xAPI statement."}, status=400)
    record, created = xapi_statement_record(
        actor=request.user,
        lesson=lesson,
        block_id=block_id,
        block_value=value,
        client_id=client_id,
        statement=statement,
    )
    return JsonResponse(
        {
            "stored": True,
            "id": str(record.id),
            "duplicate": not created,
            "counted": record.counted,
            "message": getattr(record, "refusal", ""),
        },
        status=201 if created else 200,
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def state(
    request: HttpRequest, lesson_id: int, block_id: str, data_type: str, sub_content_id: str
) -> HttpResponse:
    """H5P's content-user-data protocol: GET answers ``{"success", "data"}``; POST saves
    ``data`` (``0`` forgets it)."""
    from .models import ContentUserData

    _lesson, value = lesson_block(request, lesson_id, block_id)
    content = value["content"]
    if request.method == "GET":
        data = (
            ContentUserData.objects.filter(
                learner=request.user,
                content=content,
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
            data_type=data_type,
            sub_content_id=sub_content_id,
            data=None if data == "0" else data,
        )
    except H5PError as error:
        return JsonResponse({"success": False, "message": str(error)}, status=413)
    return JsonResponse({"success": True})
