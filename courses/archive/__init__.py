"""Moving a course between installations: one archive file in, one out.

An archive is a zip with ``manifest.json`` (format, version, what it holds), ``pages.json``
(the course, its modules and lessons, in every language, in tree order) and the images and
documents the pages use, under ``media/``.

An archive is content that did not pass through the editor, so importing treats it as
untrusted (``importing``): it is unpacked to a temporary directory with real decompressed
bytes counted and entries, ratio and total limited (``reading``); every file must pass the
same type and size rules as an upload; every page is built through the page editor's own
form from the fields the editor shows, with rich text converted by the editor's rules
(``lms.core.editor_rules``). Importing checks everything before it writes, runs in one
transaction, and removes the files it stored if the database refused the pages, so a
broken, hostile or foreign archive changes nothing.

Imported courses arrive unpublished: they go through the same review as any new course.
"""

from __future__ import annotations

from .errors import ArchiveError
from .export import course_export
from .importing import ON_EXISTING_NEW_SLUG, ON_EXISTING_REFUSE, course_import, parent_area

__all__ = [
    "ON_EXISTING_NEW_SLUG",
    "ON_EXISTING_REFUSE",
    "ArchiveError",
    "course_export",
    "course_import",
    "parent_area",
]
