"""Translations out of step: lesson versions that lack blocks of their source lesson.

Trainers translate by copying a lesson and editing the copy (decision record 0007), so a
translation can drift: a quiz deleted, a video never added. Learners are not blocked by
that (a required activity is required in the language the learner uses, decision record
0051); the author is told instead, when publishing and in the admin report
"Translations out of step", which lists to each author the translations in the programme
areas they may edit.

The source of a lesson is its version in the site's default language, else the oldest.
A block counts as present when the translation has as many blocks of that type.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from lms.core.models import User

from .blocks import ActivityBlock
from .models import CoursePage, LessonPage
from .selectors import programme_areas_editable_by

# Blocks a learner would miss: media and activities (text differs by language anyway).
CHECKED_BLOCKS = ("image", "video", "audio", "document", "quiz", "h5p")


@dataclass
class TranslationGap:
    lesson: LessonPage
    source: LessonPage
    missing_required: list[str] = field(default_factory=list)
    missing_other: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """What is missing, in words, for a warning or the report."""
        names = {
            "image": _("image"),
            "video": _("video"),
            "audio": _("audio"),
            "document": _("document"),
            "quiz": _("quiz"),
            "h5p": _("H5P activity"),
        }
        parts = [
            _("%(block)s (required)") % {"block": names[kind]} for kind in self.missing_required
        ]
        parts += [names[kind] for kind in self.missing_other]
        return ", ".join(parts)


def _counts(lesson: LessonPage) -> tuple[Counter, Counter]:
    """Checked blocks by type, and required activities by type."""
    blocks: Counter = Counter()
    required: Counter = Counter()
    for block in lesson.body:
        if block.block_type in CHECKED_BLOCKS:
            blocks[block.block_type] += 1
        if isinstance(block.block, ActivityBlock) and block.value.get("required"):
            required[block.block_type] += 1
    return blocks, required


def _source(versions: list[LessonPage]) -> LessonPage:
    default = settings.LANGUAGE_CODE.split("-")[0]
    for version in versions:
        if version.locale.language_code == default:
            return version
    return min(versions, key=lambda version: version.pk)


def _gaps_in(versions: list[LessonPage]) -> list[TranslationGap]:
    if len(versions) < 2:
        return []
    source = _source(versions)
    source_blocks, source_required = _counts(source)
    gaps = []
    for version in versions:
        if version.pk == source.pk:
            continue
        blocks, required = _counts(version)
        missing_required = sorted(
            kind for kind, count in source_required.items() if required[kind] < count
        )
        missing_other = sorted(
            kind
            for kind, count in source_blocks.items()
            if blocks[kind] < count and kind not in missing_required
        )
        if missing_required or missing_other:
            gaps.append(TranslationGap(version, source, missing_required, missing_other))
    return gaps


def translation_gaps_for(lesson: LessonPage) -> list[TranslationGap]:
    """The gaps among the versions of ``lesson`` (it may be the source or a translation)."""
    versions = list(
        LessonPage.objects.filter(translation_key=lesson.translation_key)
        .select_related("locale")
        .order_by("pk")
    )
    return _gaps_in(versions)


def translations_out_of_step(
    *, user: User, course_keys: Iterable[uuid.UUID] | None = None
) -> list[TranslationGap]:
    """The lesson translations lacking blocks of their source that ``user`` may mend: those
    under a programme area they may edit (``programme_areas_editable_by``); superusers
    (administrators) every one. By course tree order. ``course_keys``: only the lessons of
    these courses (every language version; the dashboard's few, not the whole site).

    Every language version of those lessons is read, the source included even where it
    lies in an area the user may not edit, in one query (the areas cost at most two more,
    whatever their number); bodies are read once each. Reads only."""
    lessons = LessonPage.objects.all()
    if course_keys is not None:
        courses = CoursePage.objects.filter(translation_key__in=list(course_keys))
        under = Q(pk__in=[])
        for path in courses.values_list("path", flat=True):
            under |= Q(path__startswith=path)
        lessons = lessons.filter(under)
    area_paths: list[str] = []
    if not user.is_superuser:
        area_paths = [area.path for area in programme_areas_editable_by(user)]
        if not area_paths:
            return []
        within = Q()
        for path in area_paths:
            within |= Q(path__startswith=path)
        lessons = lessons.filter(
            translation_key__in=LessonPage.objects.filter(within).values("translation_key")
        )
    grouped: dict[uuid.UUID, list[LessonPage]] = defaultdict(list)
    for lesson in lessons.select_related("locale").order_by("path"):
        grouped[lesson.translation_key].append(lesson)
    gaps: list[TranslationGap] = []
    for versions in grouped.values():
        gaps.extend(_gaps_in(versions))
    if area_paths:
        gaps = [gap for gap in gaps if gap.lesson.path.startswith(tuple(area_paths))]
    return gaps
