"""Importing a course archive as content from outside the editor (see the package
docstring): files through the upload rules, pages through the page editor's form."""

from __future__ import annotations

import json
import logging
import tempfile
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.documents.fields import WagtailDocumentField
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.fields import WagtailImageField
from wagtail.models import Locale, Page

from lms.core.audit import audit_record
from lms.core.editor_rules import ContentRefused, editor_contentstate, stream_from_outside
from lms.core.models import User

from ..media_files import store_file_metadata
from ..models import CoursePage, LessonPage, ModulePage, ProgrammeAreaPage
from .errors import ArchiveError
from .reading import Unpacked, unpack

logger = logging.getLogger(__name__)

PAGE_TYPES = {model._meta.label: model for model in (CoursePage, ModulePage, LessonPage)}
ON_EXISTING_REFUSE = "refuse"
ON_EXISTING_NEW_SLUG = "new_slug"
# Editor fields an archive still does not set: the publishing schedule and prerequisites
# (page ids) belong to the installation; skills are carried by name and added after;
# comment notifications are the importer's own choice.
NOT_FROM_ARCHIVE = {"go_live_at", "expire_at", "prerequisites", "skills", "comment_notifications"}
MAX_SKILLS = 50


def parent_area(page_id: int) -> ProgrammeAreaPage:
    area = ProgrammeAreaPage.objects.filter(pk=page_id).first()
    if area is None:
        raise ArchiveError(_("Choose a programme area to import into."))
    return area


# --- Files ---------------------------------------------------------------------------------


def _checked_file(item: dict[str, Any], path: Path) -> tuple[str, File]:
    """The file of a manifest ``item`` as an upload, after the same checks as an upload
    in the admin (types, size, image format and pixels). Raises ``ArchiveError``."""
    kind = item.get("kind")
    name = str(item.get("file", "")).rsplit("/", 1)[-1]
    upload = File(path.open("rb"), name=name)
    try:
        if kind == "image":
            WagtailImageField().clean(upload)
        elif kind == "document":
            WagtailDocumentField().clean(upload)
            get_document_model()(title=name, file=upload).clean()  # WAGTAILDOCS_EXTENSIONS
        else:
            raise ValidationError(_("It is neither an image nor a document."))
    except ValidationError as error:
        upload.close()
        raise ArchiveError(
            [
                _("The file “%(name)s” in the archive is refused: %(reason)s")
                % {"name": name, "reason": message}
                for message in error.messages
            ]
        ) from error
    upload.seek(0)
    return name, upload


def _store_media(*, actor: User, unpacked: Unpacked, stored: list[Any]) -> dict[str, dict]:
    """Check every file first, then store them; returns old id -> new id per kind."""
    checked = []
    reasons: list[str] = []
    for item in unpacked.manifest.get("media", []):
        try:
            checked.append((item, *_checked_file(item, unpacked.files[item["file"]])))
        except ArchiveError as error:
            reasons += error.reasons
    if reasons:
        for _item, _name, upload in checked:
            upload.close()
        raise ArchiveError(reasons)
    mapping: dict[str, dict[Any, int]] = {"image": {}, "document": {}}
    for item, name, upload in checked:
        model = get_image_model() if item["kind"] == "image" else get_document_model()
        title = str(item.get("title") or name)[:255]
        with upload:
            obj = model(title=title, uploaded_by_user=actor, file=upload)
            store_file_metadata(obj)
            obj.save()
        stored.append(obj.file)
        mapping[item["kind"]][item.get("id")] = obj.pk
    return mapping


def _remap(block: blocks.Block, value: Any, mapping: dict[str, dict[Any, int]]) -> Any:
    """StreamField JSON with image and document ids replaced by the new installation's;
    an id the archive did not bring becomes empty (never a file already here)."""
    if isinstance(block, ImageChooserBlock):
        return mapping["image"].get(value) if value is not None else None
    if isinstance(block, DocumentChooserBlock):
        return mapping["document"].get(value) if value is not None else None
    if isinstance(block, blocks.StreamBlock) and isinstance(value, list):
        for child in value:
            child_block = (
                block.child_blocks.get(child.get("type")) if isinstance(child, dict) else None
            )
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


# --- Pages ---------------------------------------------------------------------------------


def _translated_parent(area: Page, locale: Locale) -> Page:
    parent = area.get_translation_or_none(locale)
    if parent is None:
        parent = area.copy_for_translation(locale, copy_parents=True)
    return parent


def _free_slug(parent: Page, slug: str) -> str:
    taken = set(Page.objects.child_of(parent).values_list("slug", flat=True))
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"


def _form_value(field: models.Field, form_field: Any, value: Any) -> Any:
    """An archived field value as the editor's form would post it."""
    if isinstance(field, RichTextField):
        return editor_contentstate(
            value if isinstance(value, str) else "", widget=form_field.widget
        )
    if isinstance(field, models.BooleanField):
        return "on" if value is True else ""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return ""  # no editor field of these pages takes a structure
    return str(value)


def _where(page_title: str, locale: str) -> str:
    return _("Page “%(title)s” (%(language)s)") % {"title": page_title[:80], "language": locale}


def _form_errors(form: Any, where: str) -> list[str]:
    sentences = []
    for name, errors in form.errors.as_data().items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            for message in error.messages:
                sentences.append(f"{where}, {label}: {message}" if label else f"{where}: {message}")
    for formset in getattr(form, "formsets", {}).values():
        for message in formset.non_form_errors():
            sentences.append(f"{where}: {message}")
    return sentences


def _build_page(
    *, actor: User, model: type[Page], entry: dict[str, Any], parent: Page, mapping: dict
) -> Page:
    """An unsaved page of ``model`` under ``parent`` with the archived values, set
    through the page editor's own form: only the fields the editor shows, with its
    validation, its rich text rules and its messages. StreamFields (left out of the
    form, which expects them in the editor's widget format) go through the same block
    conversion and validation. Raises ``ArchiveError`` with sentences."""
    fields = entry.get("fields")
    if not isinstance(fields, dict):
        raise ArchiveError(_("The archive holds a page without fields."))
    where = _where(str(fields.get("title", "")), str(entry.get("locale")))
    form_class = model.get_edit_handler().get_form_class()
    blank = model()
    model_fields = {
        field.name: field for field in model._meta.get_fields() if hasattr(field, "attname")
    }
    stream_fields = [f for f in model_fields.values() if isinstance(f, StreamField)]
    probe = form_class(instance=blank, parent_page=parent, for_user=actor)
    editor_fields = [
        name
        for name in probe.fields
        if name not in NOT_FROM_ARCHIVE
        and name in model_fields
        and name not in {f.name for f in stream_fields}
    ]
    data: dict[str, Any] = {}
    try:
        for name in editor_fields:
            value = fields[name] if name in fields else model_fields[name].value_from_object(blank)
            data[name] = _form_value(model_fields[name], probe.fields[name], value)
    except ContentRefused as error:
        raise ArchiveError([f"{where}: {reason}" for reason in error.reasons]) from error
    for formset in probe.formsets.values():
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": "0",
                f"{formset.prefix}-INITIAL_FORMS": "0",
                f"{formset.prefix}-MIN_NUM_FORMS": "0",
                f"{formset.prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    form = form_class(data=data, instance=blank, parent_page=parent, for_user=actor)
    for name in list(form.fields):
        if name not in editor_fields:
            del form.fields[name]  # left as the blank page has them
    if not form.is_valid():
        raise ArchiveError(_form_errors(form, where))
    page = form.save(commit=False)
    for field in stream_fields:
        raw = fields.get(field.name, [])
        try:
            raw = json.loads(raw) if isinstance(raw, str) else raw
            value = stream_from_outside(
                field.stream_block, _remap(field.stream_block, raw, mapping)
            )
        except ValueError as error:
            raise ArchiveError([f"{where}: {_('A page body is not a list of blocks.')}"]) from error
        except ContentRefused as error:
            raise ArchiveError(
                [f"{where}, {field.verbose_name}: {r}" for r in error.reasons]
            ) from error
        setattr(page, field.name, value)
    return page


def _skills(entry: dict[str, Any]) -> list[str]:
    names = entry.get("skills") or []
    if not isinstance(names, list):
        return []
    return [
        name.strip()[:100] for name in names[:MAX_SKILLS] if isinstance(name, str) and name.strip()
    ]


def _import_pages(
    *, actor: User, unpacked: Unpacked, area: ProgrammeAreaPage, mapping: dict, on_existing: str
) -> CoursePage:
    pages = unpacked.pages
    if not pages or pages[0].get("type") != CoursePage._meta.label:
        raise ArchiveError(_("The archive holds no course."))
    languages = {code for code, _name in settings.LANGUAGES}
    for entry in pages:
        if entry.get("type") not in PAGE_TYPES:
            raise ArchiveError(
                _("The archive holds an unknown kind of page: %(type)s")
                % {"type": str(entry.get("type"))[:100]}
            )
        if entry.get("locale") not in languages:
            raise ArchiveError(
                _("The archive holds a language this installation does not offer: %(code)s")
                % {"code": str(entry.get("locale"))[:20]}
            )
    new_keys: dict[str, uuid.UUID] = {}
    created: dict[tuple[str, str], Page] = {}  # (key, locale) -> page
    course: CoursePage | None = None
    for entry in pages:
        model = PAGE_TYPES[entry["type"]]
        locale = Locale.objects.get_or_create(language_code=entry["locale"])[0]
        key = str(entry.get("key"))
        if model is CoursePage:
            if entry.get("parent_key") is not None:
                raise ArchiveError(_("The page tree in the archive is broken."))
            parent = _translated_parent(area, locale)
            fields = entry.get("fields") if isinstance(entry.get("fields"), dict) else {}
            slug = str(fields.get("slug", ""))
            existing = Page.objects.child_of(parent).filter(slug=slug).first()
            if existing is not None:
                if on_existing != ON_EXISTING_NEW_SLUG:
                    raise ArchiveError(
                        _(
                            "“%(area)s” already has a page at the address “%(slug)s” "
                            "(“%(title)s”). Import the course again and choose to give it "
                            "a new address, or leave it: nothing was imported."
                        )
                        % {"area": parent.title, "slug": slug, "title": existing.title}
                    )
                entry = {**entry, "fields": {**fields, "slug": _free_slug(parent, slug)}}
        else:
            parent = created.get((str(entry.get("parent_key")), entry["locale"]))
            if parent is None:
                raise ArchiveError(_("The page tree in the archive is broken."))
            if model not in parent.specific_class.allowed_subpage_models():
                raise ArchiveError(_("The page tree in the archive is broken."))
        page = _build_page(actor=actor, model=model, entry=entry, parent=parent, mapping=mapping)
        page.translation_key = new_keys.setdefault(key, uuid.uuid4())
        page.locale = locale
        page.live = False
        page.owner = actor
        if isinstance(page, CoursePage):
            names = _skills(entry)
            if names:
                page.skills.add(*names)
        parent.add_child(instance=page)
        page.save_revision(user=actor, log_action=False)
        created[(key, entry["locale"])] = page
        if course is None and isinstance(page, CoursePage):
            course = page
    assert course is not None
    return course


def _validation_sentences(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def course_import(
    *,
    actor: User,
    archive: Path | IO[bytes],
    area: ProgrammeAreaPage,
    on_existing: str = ON_EXISTING_REFUSE,
) -> CoursePage:
    """Create the archived course (all languages, unpublished) under ``area``.

    ``archive`` is a path or a seekable file; it is read from disk, never whole into
    memory. ``on_existing`` says what happens when the area already has a page at the
    course's address: ``refuse`` (the default) or ``new_slug`` (the next free
    ``slug-2``, ``slug-3``...). Refuses a broken, hostile, foreign or incompatible archive
    with ``ArchiveError`` (translated sentences) and changes nothing. Audited
    (``course.import``) in the same transaction."""
    if not area.permissions_for_user(actor).can_add_subpage():
        raise ArchiveError(_("You may not add courses here."))
    stored: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="qadam-course-import-") as staging:
        unpacked = unpack(archive, Path(staging))
        try:
            with transaction.atomic():
                mapping = _store_media(actor=actor, unpacked=unpacked, stored=stored)
                course = _import_pages(
                    actor=actor,
                    unpacked=unpacked,
                    area=area,
                    mapping=mapping,
                    on_existing=on_existing,
                )
                audit_record(
                    actor=actor,
                    action="course.import",
                    obj=course,
                    after={
                        "pages": len(unpacked.pages),
                        "source": str(unpacked.manifest.get("source", ""))[:200],
                    },
                )
        except BaseException as error:
            for file in stored:
                file.storage.delete(file.name)
            if isinstance(error, ArchiveError):
                raise
            if isinstance(error, ValidationError):
                raise ArchiveError(_validation_sentences(error)) from error
            if isinstance(error, Exception):
                logger.exception("Course archive import failed")
                raise ArchiveError(
                    _("The archive could not be imported; nothing was changed.")
                ) from error
            raise
    return course
