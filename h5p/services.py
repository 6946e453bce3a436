"""Writes for H5P: learners' xAPI statements and saved state, deleting content.

Importing packages is ``h5p.importer.h5p_content_import``.
"""

from __future__ import annotations

import copy
import math
import shutil
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ReferenceIndex

from courses.models import LessonPage
from courses.services import CourseError, activity_result_record
from lms.celery import enqueue_on_commit
from lms.core.audit import audit_record
from lms.core.models import User

from .lrs import lrs_enabled
from .models import ContentUserData, H5PContent, StatementForward, XAPIStatement
from .player import activity_iri

XAPI_VERSION = "1.0.3"
SUB_CONTENT_EXTENSION = "http://h5p.org/x-api/h5p-subContentId"
SCORED_VERBS = {
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
}
MAX_STATE_CHARS = 256 * 1024


class H5PError(Exception):
    """An H5P action the rules refuse; the message is shown to the user."""


def _dict_at(statement: dict[str, Any], key: str) -> dict[str, Any]:
    """``statement[key]`` where it is an object, else an empty one (browsers send anything)."""
    value = statement.get(key)
    return value if isinstance(value, dict) else {}


def _is_top_level(statement: dict[str, Any]) -> bool:
    obj = _dict_at(statement, "object")
    extensions = (obj.get("definition") or {}).get("extensions") or {}
    if not isinstance(extensions, dict) or SUB_CONTENT_EXTENSION in extensions:
        return False
    context = _dict_at(statement, "context")
    activities = context.get("contextActivities") or {}
    return not (isinstance(activities, dict) and activities.get("parent"))


def _score(statement: dict[str, Any]) -> tuple[float, float] | None:
    """(raw, max) of a statement's score, clamped to 0..max; None without a usable one.

    The browser computes the score (H5P's design): a forged one cannot be told from a real
    one here, but it can never count for more than full marks or less than nothing."""
    result = statement.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("score"), dict):
        return None
    score = result["score"]
    raw, maximum = score.get("raw"), score.get("max")

    def number(value: Any) -> bool:
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )

    if number(raw) and number(maximum) and maximum > 0:
        return min(max(float(raw), 0.0), float(maximum)), float(maximum)
    scaled = score.get("scaled")
    if number(scaled):
        return min(max(float(scaled), 0.0), 1.0), 1.0
    return None


def xapi_statement_record(
    *,
    actor: User,
    lesson: LessonPage,
    block_id: str,
    block_value: Any,
    client_id: uuid.UUID,
    statement: dict[str, Any],
) -> tuple[XAPIStatement, bool]:
    """Store one statement from ``actor``'s browser; return it and whether it was new.

    The actor, id, timestamp, version and object id are set here, never taken from the
    browser. A top-level ``answered``/``completed`` statement with a score is passed to
    ``activity_result_record`` with the block's pass mark (so it may complete the lesson's
    course). Idempotent per ``client_id``: sending the same statement again changes nothing.
    """
    content: H5PContent = block_value["content"]
    existing = XAPIStatement.objects.filter(learner=actor, client_id=client_id).first()
    if existing is not None:
        return existing, False
    verb = _dict_at(statement, "verb")
    verb_id = str(verb.get("id", ""))[:255]
    stored = copy.deepcopy(statement)
    now = timezone.now()
    stored_id = uuid.uuid4()
    stored.update(
        {
            "id": str(stored_id),
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": settings.QADAM_BASE_URL, "name": str(actor.public_id)},
            },
            "timestamp": now.isoformat(),
            "stored": now.isoformat(),
            "version": XAPI_VERSION,
        }
    )
    obj = _dict_at(stored, "object")
    obj["id"] = activity_iri(lesson, block_id)
    obj.setdefault("objectType", "Activity")
    stored["object"] = obj
    score = _score(statement) if _is_top_level(statement) and verb_id in SCORED_VERBS else None
    if score is not None:  # stored (and forwarded) as counted: clamped
        stored["result"]["score"] = {
            "raw": score[0],
            "min": 0,
            "max": score[1],
            "scaled": score[0] / score[1],
        }
    try:
        with transaction.atomic():
            counted, refusal = False, ""
            if score is not None:
                try:
                    with transaction.atomic():
                        activity_result_record(
                            actor=actor,
                            lesson=lesson,
                            activity_key=block_id,
                            kind="h5p",
                            score=score[0],
                            max_score=score[1],
                            pass_mark=int(block_value["pass_mark"]),
                        )
                        counted = True
                except CourseError as error:
                    # Not enrolled, or the lesson closed: kept, not counted, and said.
                    counted, refusal = False, str(error)
            record = XAPIStatement.objects.create(
                id=stored_id,
                learner=actor,
                content=content,
                lesson_key=lesson.translation_key,
                activity_key=block_id,
                client_id=client_id,
                verb=verb_id,
                score=score[0] if score else None,
                max_score=score[1] if score else None,
                counted=counted,
                statement=stored,
                stored_at=now,
            )
    except IntegrityError:
        # The same statement sent twice at once: the other request stored it.
        return XAPIStatement.objects.get(learner=actor, client_id=client_id), False
    record.refusal = refusal  # type: ignore[attr-defined]
    if lrs_enabled():
        from .tasks import xapi_statement_forward_task

        # Recorded with the statement, so nothing depends on the broker being up: the
        # sweep sends whatever the task could not.
        StatementForward.objects.create(statement=record)
        enqueue_on_commit(xapi_statement_forward_task, str(record.pk))
    return record, True


def content_user_data_save(
    *,
    actor: User,
    content: H5PContent,
    lesson: LessonPage,
    block_id: str,
    data_type: str,
    sub_content_id: str,
    data: str | None,
) -> None:
    """Save (or with ``data=None`` forget) ``actor``'s state in ``content`` as used by
    ``lesson``'s block ``block_id``. Idempotent."""
    if data is not None and len(data) > MAX_STATE_CHARS:
        raise H5PError(_("The saved answers are too large."))
    key: dict[str, Any] = {
        "learner": actor,
        "content": content,
        "lesson_key": lesson.translation_key,
        "activity_key": block_id[:64],
        "data_type": data_type[:64],
        "sub_content_id": sub_content_id[:64] or "0",
    }
    with transaction.atomic():
        if data is None:
            ContentUserData.objects.filter(**key).delete()
        else:
            ContentUserData.objects.update_or_create(
                **key, defaults={"data": data, "updated_at": timezone.now()}
            )


def h5p_content_delete(*, actor: User, content: H5PContent) -> None:
    """Delete ``content`` and its files, unless a lesson (live or draft) uses it or a
    learner's statement points at it. Writes an ``h5p.content.delete`` audit event."""
    if ReferenceIndex.get_references_to(content).exists():
        raise H5PError(_("A lesson uses this activity. Remove it from the lesson first."))
    if XAPIStatement.objects.filter(content=content).exists():
        raise H5PError(_("Learners have results in this activity; it cannot be deleted."))
    path = content.path
    with transaction.atomic():
        audit_record(
            actor=actor, action="h5p.content.delete", obj=content, before={"title": content.title}
        )
        content.delete()
        transaction.on_commit(lambda: shutil.rmtree(path, ignore_errors=True))
