"""Whether a learner may take part in a course now, as far as consent goes: the one
question that every write of progress (lessons, quizzes, H5P files and statements) and
every lesson page asks.

A course that asks for consent (``CoursePage.asks_for_consent``: every voluntary
programme, in every language) records nothing for a learner whose current consent is not
"given". The consent records live in the ``consent`` app, a floor above ``courses``
(docs/architecture.md): it registers the function that reads them when it is ready, so
that ``courses`` never imports it. Deny by default: until a reader is registered, a
course that asks for consent takes nobody in.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import CoursePage


class ConsentReader(Protocol):
    def __call__(self, *, learner_id: int, course_key: uuid.UUID) -> bool: ...


_reader: ConsentReader | None = None


def consent_reader_register(reader: ConsentReader) -> None:
    """Name the function that says whether a learner's consent to a course (by its
    ``translation_key``) is current. One reader only: a second is a wiring mistake."""
    global _reader
    if _reader is not None and _reader is not reader:
        raise ImproperlyConfigured("A consent reader is already registered.")
    _reader = reader


def consent_needed(*, learner_id: int, course: CoursePage) -> bool:
    """Whether ``course`` asks for consent that the learner has not (or no longer) given."""
    if not course.asks_for_consent:
        return False
    if _reader is None:
        return True
    return not _reader(learner_id=learner_id, course_key=course.translation_key)
