"""Export a course with its translations and media; import it elsewhere; refuse broken
archives without changing anything."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page
from wagtail.utils.file import hash_filelike

from courses.archive import ArchiveError, course_export, course_import
from courses.models import CoursePage, LessonPage
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


def counts():
    return (Page.objects.count(), Image.objects.count(), Document.objects.count())


def test_a_course_travels_with_translations_media_and_skills(trainer, rich_course):
    data = course_export(actor=trainer, course=rich_course)
    target = factories.programme_area("life_skills")
    imported = course_import(actor=trainer, archive=io.BytesIO(data), area=target)

    assert imported.title == "Tiling" and not imported.live
    assert imported.get_parent().specific == target
    assert imported.translation_key != rich_course.translation_key
    assert sorted(imported.skills.names()) == ["measuring", "tiling"]
    lessons = list(LessonPage.objects.descendant_of(imported).order_by("path"))
    assert [lesson.title for lesson in lessons] == ["Tiling: lesson 1", "Tiling: lesson 2"]
    body = lessons[0].body
    assert (
        body[0].value["image"].pk
        != rich_course.lessons().specific().first().body[0].value["image"].pk
    )
    assert body[0].value["image"].file.read().startswith(b"\x89PNG")
    assert body[1].value["document"].file.read() == b"%PDF-1.4 grout"
    # Stored like an upload: a real ETag, not the empty one Wagtail sends without a hash.
    document = Document.objects.get(pk=body[1].value["document"].pk)
    assert document.file_hash == hash_filelike(io.BytesIO(b"%PDF-1.4 grout"))
    assert document.file_size == len(b"%PDF-1.4 grout")
    assert body[0].value["image"].file_hash and body[0].value["image"].file_size
    assert body[2].block_type == "quiz" and body[2].value["pass_mark"] == 50
    russian = CoursePage.objects.get(
        translation_key=imported.translation_key, locale__language_code="ru"
    )
    assert russian.title == "Укладка плитки"
    assert LessonPage.objects.descendant_of(russian).count() == 2


def rewrite(data: bytes, **changes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in changes:
                content = changes[info.filename]
                if content is None:
                    continue
            archive.writestr(info.filename, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda data: data[: len(data) // 2], "not a course archive"),
        (lambda data: b"not a zip at all", "not a course archive"),
        (
            lambda data: rewrite(
                data, **{"manifest.json": json.dumps({"format": "qadam-course", "version": 99})}
            ),
            "incompatible version",
        ),
        (
            lambda data: rewrite(
                data, **{"manifest.json": json.dumps({"format": "moodle-backup", "version": 1})}
            ),
            "not a Qadam course archive",
        ),
        (lambda data: rewrite(data, **{"pages.json": "[{oops"}), "no readable manifest"),
        (
            lambda data: rewrite(
                data, **{"pages.json": json.dumps([{"type": "auth.User", "locale": "en"}])}
            ),
            "holds no course",
        ),
    ],
)
def test_a_broken_or_foreign_archive_is_refused_and_changes_nothing(
    trainer, rich_course, mangle, message
):
    data = mangle(course_export(actor=trainer, course=rich_course))
    area = factories.programme_area("life_skills")
    before = counts()
    with pytest.raises(ArchiveError, match=message):
        course_import(actor=trainer, archive=io.BytesIO(data), area=area)
    assert counts() == before


def test_an_archive_missing_a_media_file_is_refused(trainer, rich_course):
    data = course_export(actor=trainer, course=rich_course)
    missing = next(
        name for name in zipfile.ZipFile(io.BytesIO(data)).namelist() if name.startswith("media/")
    )
    area = factories.programme_area("life_skills")
    before = counts()
    with pytest.raises(ArchiveError, match="missing"):
        course_import(
            actor=trainer, archive=io.BytesIO(rewrite(data, **{missing: None})), area=area
        )
    assert counts() == before


def test_the_commands_round_trip_and_refuse_with_a_message(trainer, rich_course, tmp_path):
    path = tmp_path / "course.zip"
    call_command("export_course", rich_course.pk, "-o", str(path), stdout=io.StringIO())
    area = factories.programme_area("general_education")
    out = io.StringIO()
    call_command(
        "import_course", str(path), "--area", area.pk, "--as-user", trainer.username, stdout=out
    )
    assert "Imported course" in out.getvalue()
    (tmp_path / "bad.zip").write_bytes(b"garbage")
    with pytest.raises(CommandError, match="not a course archive"):
        call_command(
            "import_course",
            str(tmp_path / "bad.zip"),
            "--area",
            area.pk,
            "--as-user",
            trainer.username,
        )


def test_a_failure_after_media_were_stored_leaves_no_files_behind(trainer, rich_course, settings):
    from pathlib import Path

    data = course_export(actor=trainer, course=rich_course)
    pages = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("pages.json"))
    pages[1]["parent_key"] = "00000000-0000-0000-0000-000000000000"  # a lesson with no parent
    broken = rewrite(data, **{"pages.json": json.dumps(pages)})
    area = factories.programme_area("life_skills")
    media_root = Path(settings.MEDIA_ROOT)
    files_before = {p for p in media_root.rglob("*") if p.is_file()}
    before = counts()
    with pytest.raises(ArchiveError, match="page tree in the archive is broken"):
        course_import(actor=trainer, archive=io.BytesIO(broken), area=area)
    assert counts() == before
    assert {p for p in media_root.rglob("*") if p.is_file()} == files_before


def test_the_admin_exports_and_imports(client, trainer, rich_course):
    from django.urls import reverse

    client.force_login(trainer)
    response = client.get(reverse("courses_admin:export", args=[rich_course.pk]))
    assert response["Content-Type"] == "application/zip"
    area = factories.programme_area("life_skills")
    upload = ContentFile(response.content, name="tiling.qadam.zip")
    response = client.post(reverse("courses_admin:import"), {"archive": upload, "area": area.pk})
    assert response.status_code == 302
    assert CoursePage.objects.child_of(area).filter(title="Tiling").exists()

    bad = ContentFile(b"garbage", name="bad.zip")
    response = client.post(reverse("courses_admin:import"), {"archive": bad, "area": area.pk})
    assert response.status_code == 200
    assert "not a course archive" in response.content.decode()


def test_learners_cannot_export_or_import(client, prisoner, rich_course):
    from django.urls import reverse

    sign_in(client, prisoner)
    for url in (
        reverse("courses_admin:export", args=[rich_course.pk]),
        reverse("courses_admin:import"),
    ):
        response = client.get(url)
        assert response.status_code == 403  # prisoners are on kiosks, which open no admin


def test_export_is_offered_in_the_explorer_and_the_import_form_names_each_areas_language(
    client, trainer, rich_course
):
    from django.urls import reverse

    client.force_login(trainer)
    export_url = reverse("courses_admin:export", args=[rich_course.pk])
    listing = client.get(reverse("wagtailadmin_explore", args=[rich_course.get_parent().pk]))
    assert export_url in listing.content.decode()  # the course's row offers "Export course"
    assert (
        export_url
        in client.get(reverse("wagtailadmin_pages:edit", args=[rich_course.pk])).content.decode()
    )
    factories.programme_area("life_skills")
    form = client.get(reverse("courses_admin:import")).content.decode()
    assert "Life Skills (English)" in form
