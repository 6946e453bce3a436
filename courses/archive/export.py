"""Writing a course archive (see the package docstring for the format)."""

from __future__ import annotations

import io
import json
import zipfile

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex

from lms.core.audit import audit_record
from lms.core.models import User

from ..models import CoursePage
from .errors import FORMAT, VERSION

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
