"""What the page gives the H5P player: URLs, saved state and the learner's best result."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from courses.models import ActivityResult
from lms.core.serving import memoised

from .middleware import mark_player_on_page
from .models import ContentUserData, H5PContent, H5PLibrary


def libraries_revision() -> int:
    """Changes whenever a library is installed or upgraded, so cached library files are
    fetched again under a new URL. Remembered per content version (installing a library
    changes it: ``h5p.apps``)."""
    return memoised(("h5p_libraries_revision",), _read_libraries_revision)


def _read_libraries_revision() -> int:
    newest = H5PLibrary.objects.aggregate(newest=Max("installed_at"))["newest"]
    return int(newest.timestamp()) if newest else 0


def activity_iri(lesson: Any, block_id: str) -> str:
    return f"{settings.QADAM_BASE_URL}/h5p/activities/{lesson.translation_key}/{block_id}"


def player_context(
    *,
    request: HttpRequest | None,
    lesson: Any,
    block_id: str | None,
    value: Any,
    results: dict[str, ActivityResult] | None = None,
) -> dict[str, Any]:
    """The player's configuration for one block. ``results``: the learner's results in
    the lesson's activities when the page has read them already (the lesson overview),
    so a lesson with several activities asks for them once."""
    content: H5PContent | None = value.get("content")
    if request is None or lesson is None or not block_id or content is None:
        return {"h5p_player": None}
    mark_player_on_page(request)
    user = request.user
    base = reverse("h5p:package_file", args=[lesson.pk, block_id, "h5p.json"]).removesuffix(
        "h5p.json"
    )
    config: dict[str, Any] = {
        "id": block_id,
        "h5pJsonPath": base.rstrip("/"),
        "contentJsonPath": base + "content",
        "librariesPath": reverse("h5p:library_file", args=[libraries_revision(), "x"]).removesuffix(
            "/x"
        ),
        "frameJs": static("vendor/h5p-standalone/frame.bundle.js"),
        "frameCss": static("vendor/h5p-standalone/styles/h5p.css"),
        "customJs": [static("js/h5p-frame.js")],
        "xAPIObjectIRI": activity_iri(lesson, block_id),
        "siteUrl": settings.QADAM_BASE_URL + "/",
        "frame": False,
        "copyright": False,
        "export": False,
        "embed": False,
        "icon": False,
        "fullScreen": True,
        "title": content.title,
        "xapiUrl": reverse("h5p:xapi", args=[lesson.pk, block_id]),
    }
    best = None
    if user.is_authenticated:
        config["learner"] = str(user.public_id)
        config["user"] = {"name": str(user.public_id), "mail": f"{user.public_id}@learners.invalid"}
        config["saveFreq"] = settings.H5P_SAVE_SECONDS
        config["ajax"] = {
            "contentUserDataUrl": base + "state/:dataType/:subContentId/",
        }
        saved = (
            ContentUserData.objects.filter(
                learner=user, content=content, data_type="state", sub_content_id="0"
            )
            .values_list("data", flat=True)
            .first()
        )
        if saved:
            config["contentUserData"] = [{"state": saved}]
        if results is not None:
            best = results.get(block_id)
        else:
            best = ActivityResult.objects.filter(
                learner=user, lesson_key=lesson.translation_key, activity_key=block_id
            ).first()
    return {"h5p_player": config, "h5p_best": best, "h5p_block_id": block_id}
