"""Moving a course between installations: one archive file in, one out.

An archive is a zip with ``manifest.json`` (format, version, what it holds), ``pages.json``
(the course, its modules and lessons, in every language, in tree order) and the images and
documents the pages use, under ``media/``. Importing checks everything before it writes,
runs in one transaction, and writes files only after the database accepted the pages (and
removes them if it did not), so a broken or foreign archive changes nothing.

Imported courses arrive unpublished: they go through the same review as any new course.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Locale, Page, ReferenceIndex

from lms.core.audit import audit_record
from lms.core.models import User

from .media_files import store_file_metadata
from .models import CoursePage, LessonPage, ModulePage, ProgrammeAreaPage

FORMAT = "qadam-course"
VERSION = 1
PAGE_TYPES = {model._meta.label: model for model in (CoursePage, ModulePage, LessonPage)}
MAX_ARCHIVE_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
# Fields that belong to the installation, not to the content.
TREE_FIELDS = {
    "pk",
    "id",
    "page_ptr",
    "path",
    "depth",
    "numchild",
    "url_path",
    "content_type",
    "live",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "live_revision",
    "latest_revision",
    "latest_revision_created_at",
    "go_live_at",
    "expire_at",
    "expired",
    "locked",
    "locked_at",
    "locked_by",
    "owner",
    "draft_title",
    "alias_of",
    "translation_key",
    "locale",
    "wagtail_admin_comments",
    # Tags are carried by name (``skills``): tag ids mean nothing elsewhere.
    "skill_items",
    "skills",
}


class ArchiveError(Exception):
    """The archive cannot be imported; the message says why, for the person importing."""


# --- Export ------------------------------------------------------------------------------


def _course_pages(course: CoursePage) -> list[Page]:
    """Every language version of the course, each followed by its descendants."""
    pages: list[Page] = []
    versions = CoursePage.objects.filter(translation_key=course.translation_key).order_by(
        "locale__language_code"
    )
    for version in versions:
        pages.append(version)
        pages.extend(Page.objects.descendant_of(version).order_by("path").specific())
    return pages


def _references(page: Page, model: type) -> set[int]:
    target = ReferenceIndex._get_base_content_type(model)
    return {
        int(pk)
        for pk in ReferenceIndex.get_references_for_object(page)
        .filter(to_content_type=target)
        .values_list("to_object_id", flat=True)
    }


def course_export(*, actor: User, course: CoursePage) -> bytes:
    """The course as an archive (bytes). Audited; reads only."""
    Image, Document = get_image_model(), get_document_model()
    pages = _course_pages(course)
    entries = []
    image_ids: set[int] = set()
    document_ids: set[int] = set()
    for page in pages:
        page = page.specific
        data = page.serializable_data()
        parent = page.get_parent()
        entries.append(
            {
                "skills": [tag.name for tag in page.skills.all()]
                if isinstance(page, CoursePage)
                else [],
                "type": page._meta.label,
                "locale": page.locale.language_code,
                "key": str(page.translation_key),
                "parent_key": str(parent.translation_key)
                if not isinstance(page, CoursePage)
                else None,
                "fields": {name: value for name, value in data.items() if name not in TREE_FIELDS},
            }
        )
        image_ids |= _references(page, Image)
        document_ids |= _references(page, Document)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        media = []
        for kind, model, ids in (("image", Image, image_ids), ("document", Document, document_ids)):
            for obj in model.objects.filter(pk__in=ids):
                name = f"media/{kind}s/{obj.pk}/{obj.file.name.rsplit('/', 1)[-1]}"
                with obj.file.open("rb") as handle:
                    archive.writestr(name, handle.read())
                media.append({"kind": kind, "id": obj.pk, "title": obj.title, "file": name})
        archive.writestr(
            "manifest.json",
            json.dumps(
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "exported_at": timezone.now().isoformat(),
                    "source": settings.QADAM_BASE_URL,
                    "course": course.title,
                    "media": media,
                },
                ensure_ascii=False,
                indent=1,
            ),
        )
        archive.writestr("pages.json", json.dumps(entries, ensure_ascii=False, default=str))
    with transaction.atomic():
        audit_record(actor=actor, action="course.export", obj=course, after={"pages": len(entries)})
    return buffer.getvalue()


# --- Import ------------------------------------------------------------------------------


@dataclass
class _Archive:
    manifest: dict[str, Any]
    pages: list[dict[str, Any]]
    files: dict[str, bytes]


def _read(data: bytes) -> _Archive:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ArchiveError(_("This is not a course archive (not a readable zip file).")) from error
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise ArchiveError(_("The archive has too many files."))
    files: dict[str, bytes] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            raise ArchiveError(
                _("The archive contains an unsafe file name: %(name)s") % {"name": name}
            )
        try:
            with archive.open(info) as handle:
                content = handle.read(MAX_UNCOMPRESSED_BYTES - total + 1)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ArchiveError(_("The archive is damaged: %(name)s") % {"name": name}) from error
        total += len(content)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ArchiveError(_("The archive is too large."))
        files[name] = content
    try:
        manifest = json.loads(files.pop("manifest.json"))
        pages = json.loads(files.pop("pages.json"))
    except (KeyError, ValueError) as error:
        raise ArchiveError(_("The archive has no readable manifest or page list.")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(_("This is not a Qadam course archive."))
    if manifest.get("version") != VERSION:
        raise ArchiveError(
            _(
                "This archive was made by an incompatible version of Qadam (format %(found)s; this installation reads %(expected)s)."  # noqa: E501
            )
            % {"found": manifest.get("version"), "expected": VERSION}
        )
    if not isinstance(pages, list) or not pages or pages[0].get("type") != CoursePage._meta.label:
        raise ArchiveError(_("The archive holds no course."))
    languages = {code for code, _name in settings.LANGUAGES}
    for entry in pages:
        if entry.get("type") not in PAGE_TYPES:
            raise ArchiveError(
                _("The archive holds an unknown kind of page: %(type)s")
                % {"type": entry.get("type")}
            )
        if entry.get("locale") not in languages:
            raise ArchiveError(
                _("The archive holds a language this installation does not offer: %(code)s")
                % {"code": entry.get("locale")}
            )
    for item in manifest.get("media", []):
        if item.get("file") not in files:
            raise ArchiveError(
                _("A file named in the archive is missing: %(name)s") % {"name": item.get("file")}
            )
    return _Archive(manifest=manifest, pages=pages, files=files)


def _remap(block: blocks.Block, value: Any, mapping: dict[str, dict[int, int]]) -> Any:
    """StreamField JSON with image and document ids replaced by the new installation's."""
    if isinstance(block, ImageChooserBlock):
        return mapping["image"].get(value) if value is not None else None
    if isinstance(block, DocumentChooserBlock):
        return mapping["document"].get(value) if value is not None else None
    if isinstance(block, blocks.StreamBlock) and isinstance(value, list):
        for child in value:
            child_block = block.child_blocks.get(child.get("type"))
            if child_block is not None:
                child["value"] = _remap(child_block, child.get("value"), mapping)
        return value
    if isinstance(block, blocks.StructBlock) and isinstance(value, dict):
        for name, child_block in block.child_blocks.items():
            if name in value:
                value[name] = _remap(child_block, value[name], mapping)
        return value
    if isinstance(block, blocks.ListBlock) and isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and item.get("type") == "item":
                item["value"] = _remap(block.child_block, item.get("value"), mapping)
            else:
                value[index] = _remap(block.child_block, item, mapping)
        return value
    return value


def _translated_parent(area: Page, locale: Locale) -> Page:
    parent = area.get_translation_or_none(locale)
    if parent is None:
        parent = area.copy_for_translation(locale, copy_parents=True)
    return parent


def course_import(*, actor: User, data: bytes, area: ProgrammeAreaPage) -> CoursePage:
    """Create the archived course (all languages, unpublished) under ``area``. Refuses a
    broken, foreign or incompatible archive with ``ArchiveError`` and changes nothing."""
    if not area.permissions_for_user(actor).can_add_subpage():
        raise ArchiveError(_("You may not add courses here."))
    archive = _read(data)
    Image, Document = get_image_model(), get_document_model()
    new_keys: dict[str, uuid.UUID] = {}
    stored: list[Any] = []
    try:
        with transaction.atomic():
            mapping: dict[str, dict[int, int]] = {"image": {}, "document": {}}
            for item in archive.manifest.get("media", []):
                name = item["file"].rsplit("/", 1)[-1]
                content = archive.files[item["file"]]
                if item["kind"] == "image":
                    upload = ImageFile(io.BytesIO(content), name=name)
                    model = Image
                else:
                    upload = ContentFile(content, name=name)
                    model = Document
                obj = model(title=item.get("title") or name, uploaded_by_user=actor, file=upload)
                store_file_metadata(obj)
                obj.save()
                stored.append(obj.file)
                mapping[item["kind"]][item["id"]] = obj.pk

            created: dict[tuple[str, str], Page] = {}  # (key, locale) -> page
            course: CoursePage | None = None
            for entry in archive.pages:
                model = PAGE_TYPES[entry["type"]]
                locale = Locale.objects.get_or_create(language_code=entry["locale"])[0]
                fields = dict(entry["fields"])
                for field in model._meta.get_fields():
                    if isinstance(field, StreamField) and field.name in fields:
                        raw = fields[field.name]
                        raw = json.loads(raw) if isinstance(raw, str) else raw
                        fields[field.name] = json.dumps(_remap(field.stream_block, raw, mapping))
                page = model.from_serializable_data({**fields, "pk": None}, check_fks=False)
                page.translation_key = new_keys.setdefault(entry["key"], uuid.uuid4())
                page.locale = locale
                page.live = False
                page.owner = actor
                if isinstance(page, CoursePage) and entry.get("skills"):
                    page.skills.add(*entry["skills"])
                if entry["parent_key"] is None:
                    parent = _translated_parent(area, locale)
                else:
                    parent = created.get((entry["parent_key"], entry["locale"]))
                    if parent is None:
                        raise ArchiveError(_("The page tree in the archive is broken."))
                parent.add_child(instance=page)
                page.save_revision(user=actor, log_action=False)
                created[(entry["key"], entry["locale"])] = page
                if course is None and isinstance(page, CoursePage):
                    course = page
            assert course is not None
            audit_record(
                actor=actor,
                action="course.import",
                obj=course,
                after={"pages": len(created), "source": archive.manifest.get("source", "")},
            )
    except ArchiveError:
        for file in stored:
            file.storage.delete(file.name)
        raise
    except Exception as error:
        for file in stored:
            file.storage.delete(file.name)
        raise ArchiveError(
            _("The archive could not be imported: %(error)s") % {"error": error}
        ) from error
    return course


def archive_from_upload(upload: Any) -> bytes:
    return b"".join(upload.chunks())


def parent_area(page_id: int) -> ProgrammeAreaPage:
    area = ProgrammeAreaPage.objects.filter(pk=page_id).first()
    if area is None:
        raise ArchiveError(_("Choose a programme area to import into."))
    return area
