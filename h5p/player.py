"""What the lesson page shows for one H5P activity: a sandboxed frame with this view's
grant, the URLs the page sends results and state to, and the learner's best result."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from courses.models import ActivityResult

from .models import H5PContent
from .view_grants import view_grant_issue


def activity_iri(lesson: Any, block_id: str) -> str:
    return f"{settings.QADAM_BASE_URL}/h5p/activities/{lesson.translation_key}/{block_id}"


def result_line(result: ActivityResult | None, pass_mark: int) -> str:
    """The sentence under an activity: the learner's best result, or what they need."""
    if result is None:
        return _("You need %(mark)s%% to pass.") % {"mark": pass_mark}
    percent = round(result.best_score * 100)
    if result.passed:
        return _("Your best result: %(percent)s%%. You passed.") % {"percent": percent}
    return _("Your best result: %(percent)s%%. You need %(mark)s%% to pass.") % {
        "percent": percent,
        "mark": pass_mark,
    }


def player_context(
    *,
    request: HttpRequest | None,
    lesson: Any,
    block_id: str | None,
    value: Any,
    results: dict[str, ActivityResult] | None = None,
) -> dict[str, Any]:
    """The frame for one block, for a signed-in person. ``results``: the learner's results
    in the lesson's activities when the page has read them already (the lesson overview),
    so a lesson with several activities asks for them once."""
    content: H5PContent | None = value.get("content")
    user = getattr(request, "user", None)
    if (
        lesson is None
        or not block_id
        or content is None
        or user is None
        or not user.is_authenticated
    ):
        return {"h5p_player": None}
    token = view_grant_issue(
        learner_id=user.pk,
        lesson_id=lesson.pk,
        lesson_key=lesson.translation_key,
        block_id=block_id,
        content_id=content.pk,
    )
    if results is not None:
        best = results.get(block_id)
    else:
        best = ActivityResult.objects.filter(
            learner=user, lesson_key=lesson.translation_key, activity_key=block_id
        ).first()
    player = {
        "frame_url": reverse("h5p:frame", args=[token]),
        "view": token,
        "xapi_url": reverse("h5p:xapi", args=[lesson.pk, block_id]),
        "state_url": reverse("h5p:state", args=[lesson.pk, block_id, "state", "0"]),
        "learner": str(user.public_id),
        "save_seconds": settings.H5P_SAVE_SECONDS,
        "title": content.title,
        "result": result_line(best, int(value.get("pass_mark") or 0)),
        "passed": bool(best and best.passed),
        "has_result": best is not None,
    }
    return {"h5p_player": player, "h5p_best": best, "h5p_block_id": block_id}
