"""Per-view grants: what the server hands out with each H5P activity it shows.

When a lesson page shows an H5P activity to a signed-in person, it hands out a signed,
expiring token bound to that person, the lesson, the activity (the block) and the content.

- The player runs in a sandboxed frame with an opaque origin: it gets no cookies at all, so
  its file requests carry the token in the URL. The token lets it read that content's
  files (``h5p.json``, ``content/...``) and nothing else.
- Statements and saved state are sent by the lesson page itself, with the session and the
  CSRF token, and are accepted only with a token that was handed out to that same person
  for that same lesson and activity, and has not expired.

Nothing is stored per view: the signature (``SECRET_KEY``, its own salt) is the proof that
the server handed the view out, and ``H5P_VIEW_SECONDS`` bounds how long it is good for.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "qadam.h5p.view"
HEADER = "HTTP_X_QADAM_VIEW"


@dataclass(frozen=True)
class ViewGrant:
    learner_id: int
    lesson_id: int
    lesson_key: uuid.UUID
    block_id: str
    content_id: int


def view_grant_issue(
    *, learner_id: int, lesson_id: int, lesson_key: uuid.UUID, block_id: str, content_id: int
) -> str:
    """A new token for one view of one activity (a random part makes each view's own)."""
    payload = [learner_id, lesson_id, str(lesson_key), block_id, content_id, secrets.token_hex(4)]
    return signing.dumps(payload, salt=SALT, compress=False)


def view_grant_read(token: str | None) -> ViewGrant | None:
    """The grant in ``token``; None if it is forged, malformed or expired."""
    if not token or len(token) > 400:
        return None
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.H5P_VIEW_SECONDS)
        learner_id, lesson_id, lesson_key, block_id, content_id, _nonce = payload
        return ViewGrant(
            learner_id=int(learner_id),
            lesson_id=int(lesson_id),
            lesson_key=uuid.UUID(lesson_key),
            block_id=str(block_id),
            content_id=int(content_id),
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None


def grant_allows(
    grant: ViewGrant | None, *, learner_id: int, lesson_id: int, block_id: str
) -> bool:
    """Whether ``grant`` was handed out to this learner for this lesson and activity."""
    return (
        grant is not None
        and grant.learner_id == learner_id
        and grant.lesson_id == lesson_id
        and grant.block_id == block_id
    )
