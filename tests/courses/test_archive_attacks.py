"""A course archive is hostile until proven otherwise: the attacks a trainer made with one
(script tags, a fake PIN form over the lesson, executable "documents", fields the editor
never shows, a zip bomb) are refused or cleaned, and refusals are sentences."""

import io
import json
import tracemalloc
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page

from courses.archive import ON_EXISTING_NEW_SLUG, ArchiveError, course_export, course_import
from courses.models import CoursePage, LessonPage
from tests import factories
from tests.courses.test_archive import counts, rewrite

pytestmark = pytest.mark.django_db

SCRIPT = '<script src="/documents/1/x.js"></script>'
OVERLAY = (
    '<div style="position:fixed;inset:0;background:#fff;z-index:99">'
    '<form action="/kiosk/pin/" method="post"><p>Enter your PIN again</p>'
    '<input type="password" name="pin"/><button>OK</button></form></div>'
)
HOSTILE = (
    f'<p onclick="steal()">Safe words <a href="javascript:alert(1)">click</a></p>{SCRIPT}'
    f'{OVERLAY}<img src="x" onerror="alert(1)"/><iframe src="/admin/"></iframe>'
)
LEFTOVERS = (
    "<script",
    "<form",
    "<input",
    "<iframe",
    "<img",
    "<div",
    "onclick",
    "onerror",
    "javascript:",
    "position:fixed",
    "style=",
)


def archive_parts(data: bytes) -> tuple[dict, list]:
    source = zipfile.ZipFile(io.BytesIO(data))
    return json.loads(source.read("manifest.json")), json.loads(source.read("pages.json"))


def with_pages(data: bytes, pages: list, manifest: dict | None = None, **extra) -> bytes:
    changes = {"pages.json": json.dumps(pages)}
    if manifest is not None:
        changes["manifest.json"] = json.dumps(manifest)
    out = io.BytesIO(rewrite(data, **changes))
    if extra:
        with zipfile.ZipFile(out, "a") as archive:
            for name, content in extra.items():
                archive.writestr(name, content)
    return out.getvalue()


def lesson_entry(pages: list) -> dict:
    return next(entry for entry in pages if entry["type"] == "courses.LessonPage")


def test_rich_text_from_an_archive_keeps_its_words_and_loses_scripts_forms_and_overlays(
    trainer,
    rich_course,
):
    data = course_export(actor=trainer, course=rich_course)
    manifest, pages = archive_parts(data)
    pages[0]["fields"]["description"] = HOSTILE
    lesson = lesson_entry(pages)
    body = json.loads(lesson["fields"]["body"])
    body += [
        {"type": "text", "value": HOSTILE, "id": "a1"},
        {"type": "callout", "value": {"tone": "info", "title": "", "text": HOSTILE}, "id": "a2"},
    ]
    lesson["fields"]["body"] = json.dumps(body)
    imported = course_import(
        actor=trainer,
        archive=io.BytesIO(with_pages(data, pages)),
        area=factories.programme_area("life_skills"),
    )

    stored = [imported.description]
    lesson_page = LessonPage.objects.descendant_of(imported).order_by("path").first()
    for block in lesson_page.body:
        if block.block_type == "text":
            stored.append(block.value.source)
        elif block.block_type == "callout":
            stored.append(block.value["text"].source)
    assert len(stored) == 3
    for html in stored:
        assert "Safe words" in html and "Enter your PIN again" in html
        for leftover in LEFTOVERS:
            assert leftover not in html, (leftover, html)
    # The draft as an administrator opens it carries none of it either.
    admin = factories.UserFactory(role="administrator", facility=None)
    from django.test import Client

    client = Client()
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[lesson_page.pk]))
    assert response.status_code == 200
    assert "/documents/1/x.js" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.js", b"fetch('/admin/users/add/', {method: 'POST'})"),
        ("page.html", b"<script>alert(1)</script>"),
        ("tool.py", b"import os"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_an_archive_with_an_executable_document_is_refused_and_changes_nothing(
    trainer,
    rich_course,
    name,
    content,
):
    data = course_export(actor=trainer, course=rich_course)
    manifest, pages = archive_parts(data)
    manifest["media"].append(
        {"kind": "document", "id": 999, "title": "x", "file": f"media/documents/999/{name}"}
    )
    hostile = with_pages(data, pages, manifest, **{f"media/documents/999/{name}": content})
    area = factories.programme_area("life_skills")
    before = counts()
    with pytest.raises(ArchiveError) as refused:
        course_import(actor=trainer, archive=io.BytesIO(hostile), area=area)
    assert name in str(refused.value) and "not allowed" in str(refused.value)
    assert counts() == before


def test_an_image_that_is_not_an_image_is_refused(trainer, rich_course):
    data = course_export(actor=trainer, course=rich_course)
    manifest, pages = archive_parts(data)
    manifest["media"].append(
        {"kind": "image", "id": 998, "title": "x", "file": "media/images/998/tile.png"}
    )
    hostile = with_pages(
        data, pages, manifest, **{"media/images/998/tile.png": b"<script>alert(1)</script>"}
    )
    area = factories.programme_area("life_skills")
    before = counts()
    with pytest.raises(ArchiveError, match="tile.png"):
        course_import(actor=trainer, archive=io.BytesIO(hostile), area=area)
    assert counts() == before


def test_an_archive_sets_only_what_the_page_editor_can(trainer, rich_course):
    data = course_export(actor=trainer, course=rich_course)
    manifest, pages = archive_parts(data)
    for entry in pages:
        entry["fields"].update(
            {
                "locked": True,
                "locked_at": None,
                "locked_by": trainer.pk,
                "live": True,
                "owner": None,
                "first_published_at": "2020-01-01T00:00:00Z",
                "go_live_at": "2020-01-01T00:00:00Z",
                "programme_type": "faith_based",
            }
        )
    imported = course_import(
        actor=trainer,
        archive=io.BytesIO(with_pages(data, pages)),
        area=factories.programme_area("life_skills"),
    )
    for page in Page.objects.descendant_of(imported, inclusive=True):
        assert not page.locked and page.locked_by is None
        assert not page.live and page.first_published_at is None and page.go_live_at is None
        assert page.owner == trainer
    assert imported.programme_type == "life_skills" and not imported.requires_consent
    # The administrator's dashboard, which answered 500 with such a page, opens.
    admin = factories.UserFactory(role="administrator", facility=None)
    from django.test import Client

    client = Client()
    client.force_login(admin)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def zip_bomb(data: bytes, megabytes: int) -> bytes:
    out = io.BytesIO(data)
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("media/documents/1/zeros.pdf", "w") as entry,
    ):
        chunk = bytes(1024 * 1024)
        for _ in range(megabytes):
            entry.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_by_its_real_unpacked_size_without_filling_memory(
    trainer,
    rich_course,
    settings,
):
    data = zip_bomb(course_export(actor=trainer, course=rich_course), 64)
    assert len(data) < 1024 * 1024
    area = factories.programme_area("life_skills")
    before = counts()
    with pytest.raises(ArchiveError, match="far more than it takes"):
        course_import(actor=trainer, archive=io.BytesIO(data), area=area)
    settings.COURSE_ARCHIVE_MAX_RATIO = 10**6  # now only the total stops it
    settings.COURSE_ARCHIVE_MAX_TOTAL_BYTES = 32 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ArchiveError, match="larger than 32 MB when unpacked"):
            course_import(actor=trainer, archive=io.BytesIO(data), area=area)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # 32 MB went through, to disk, in chunks
    assert counts() == before


def test_an_archive_with_too_many_entries_is_refused(trainer, rich_course, settings):
    settings.COURSE_ARCHIVE_MAX_ENTRIES = 3
    data = course_export(actor=trainer, course=rich_course)
    with pytest.raises(ArchiveError, match="too many files"):
        course_import(
            actor=trainer, archive=io.BytesIO(data), area=factories.programme_area("life_skills")
        )


def test_a_refused_page_is_explained_in_sentences_in_the_users_language(trainer, rich_course):
    data = course_export(actor=trainer, course=rich_course)
    manifest, pages = archive_parts(data)
    lesson_entry(pages)["fields"]["slug"] = "not a slug!"
    pages[0]["fields"]["summary"] = "x" * 700
    hostile = with_pages(data, pages)
    with translation.override("ru"), pytest.raises(ArchiveError) as refused:
        course_import(
            actor=trainer, archive=io.BytesIO(hostile), area=factories.programme_area("life_skills")
        )
    message = str(refused.value)
    assert "{" not in message and "[" not in message
    assert "Tiling" in message and "600" in message
    assert "Убедитесь" in message  # Django's own Russian for a too-long value


def test_importing_a_course_the_area_already_has_refuses_or_takes_a_new_address(
    client,
    trainer,
    rich_course,
):
    data = course_export(actor=trainer, course=rich_course)
    area = factories.programme_area("life_skills")
    first = course_import(actor=trainer, archive=io.BytesIO(data), area=area)
    before = counts()
    with pytest.raises(
        ArchiveError, match=f"already has a page at the address “{rich_course.slug}”"
    ):
        course_import(actor=trainer, archive=io.BytesIO(data), area=area)
    assert counts() == before
    second = course_import(
        actor=trainer, archive=io.BytesIO(data), area=area, on_existing=ON_EXISTING_NEW_SLUG
    )
    assert (first.slug, second.slug) == (rich_course.slug, f"{rich_course.slug}-2")

    client.force_login(trainer)
    upload = ContentFile(data, name="tiling.qadam.zip")
    response = client.post(reverse("courses_admin:import"), {"archive": upload, "area": area.pk})
    page = response.content.decode()
    assert response.status_code == 200 and "already has a page at the address" in page
    assert "Import it as a new course with a new address" in page
    upload = ContentFile(data, name="tiling.qadam.zip")
    response = client.post(
        reverse("courses_admin:import"),
        {"archive": upload, "area": area.pk, "on_existing": ON_EXISTING_NEW_SLUG},
    )
    assert response.status_code == 302
    assert CoursePage.objects.child_of(area).filter(slug=f"{rich_course.slug}-3").exists()
    assert Image.objects.count() and Document.objects.count()
