"""Documents, images and media files reach only people who may see a page that uses them,
URL kind by URL kind."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.utils import generate_signature

from lms.core.models import User
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


def png(name="x.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return ImageFile(buffer, name=name)


def use_in(course, **blocks):
    lesson = course.lessons().specific().first()
    lesson.body = [(kind, value) for kind, value in blocks.items()]
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def media(db):
    staff_course = factories.make_course(
        title="Restraint techniques", audience="staff", programme_type="staff_training"
    )
    prisoner_course = factories.make_course(title="Bread baking", audience="prisoners")
    staff_doc = Document.objects.create(
        title="Restraint manual", file=ContentFile(b"%PDF-1.4 staff", name="restraint.pdf")
    )
    prisoner_doc = Document.objects.create(
        title="Recipe", file=ContentFile(b"%PDF-1.4 recipe", name="recipe.pdf")
    )
    orphan_doc = Document.objects.create(
        title="Unused", file=ContentFile(b"%PDF-1.4 orphan", name="orphan.pdf")
    )
    staff_image = Image.objects.create(title="Hold diagram", file=png("hold.png"))
    prisoner_image = Image.objects.create(title="Loaf", file=png("loaf.png"))
    use_in(
        staff_course,
        document={"document": staff_doc, "description": ""},
        image={"image": staff_image, "alt_text": "A hold", "caption": ""},
    )
    use_in(
        prisoner_course,
        document={"document": prisoner_doc, "description": ""},
        image={"image": prisoner_image, "alt_text": "A loaf", "caption": ""},
    )
    return {
        "staff_doc": staff_doc,
        "prisoner_doc": prisoner_doc,
        "orphan_doc": orphan_doc,
        "staff_image": staff_image,
        "prisoner_image": prisoner_image,
    }


def image_url(image, spec="max-1200x900"):
    signature = generate_signature(image.pk, spec)
    return reverse("wagtailimages_serve", args=[signature, image.pk, spec])


def status(client, user, url):
    client.logout()
    if user is not None:
        sign_in(client, user)
    response = client.get(url)
    return (
        "login"
        if response.status_code == 302 and "/login/" in response["Location"]
        else response.status_code
    )


def test_documents_follow_the_audience_of_the_pages_that_use_them(
    client, media, prisoner, staff_member
):
    trainer = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    for name, expected in {
        "staff_doc": {"anonymous": "login", "prisoner": 404, "staff": 200, "trainer": 200},
        "prisoner_doc": {"anonymous": "login", "prisoner": 200, "staff": 404, "trainer": 200},
        "orphan_doc": {"anonymous": "login", "prisoner": 404, "staff": 404, "trainer": 200},
    }.items():
        url = media[name].url
        seen = {
            role: status(client, user, url)
            for role, user in {
                "anonymous": None,
                "prisoner": prisoner,
                "staff": staff_member,
                "trainer": trainer,
            }.items()
        }
        assert seen == expected, name


def test_a_guessed_document_id_reveals_nothing(client, media, prisoner):
    sign_in(client, prisoner)
    doc = media["staff_doc"]
    assert client.get(reverse("wagtaildocs_serve", args=[doc.pk, doc.filename])).status_code == 404
    assert (
        client.get(reverse("wagtaildocs_serve", args=[doc.pk + 1000, "x.pdf"])).status_code == 404
    )


def test_images_follow_the_audience_of_the_pages_that_use_them(
    client, media, prisoner, staff_member
):
    assert status(client, prisoner, image_url(media["prisoner_image"])) == 200
    assert status(client, prisoner, image_url(media["staff_image"])) == 404
    assert status(client, staff_member, image_url(media["staff_image"])) == 200
    assert status(client, None, image_url(media["prisoner_image"])) == "login"


def test_raw_media_files_are_for_authors_only(client, media, prisoner, staff_member):
    trainer = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    for obj in (media["staff_image"], media["prisoner_image"]):
        url = obj.file.url
        assert status(client, prisoner, url) == 403  # a kiosk opens no /media/ URL
        assert status(client, staff_member, url) == 404
        assert status(client, trainer, url) == 200
    assert status(client, trainer, "/media/../lms/settings/base.py") == 404
    assert status(client, prisoner, media["staff_doc"].file.url) == 403


def test_the_lesson_links_images_through_the_checked_view(client, media, prisoner):
    from courses.models import CoursePage

    sign_in(client, prisoner)
    lesson = CoursePage.objects.get(title="Bread baking").lessons().first()
    page = client.get(lesson.get_url()).content.decode()
    assert "/images/" in page and 'alt="A loaf"' in page
    assert "/media/" not in page


def test_uploads_of_other_document_types_are_refused(client):
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    client.force_login(admin)
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Tool", "file": ContentFile(b"MZ...", name="tool.exe"), "collection": 1},
    )
    assert response.status_code == 200  # the form again, with an error
    assert not Document.objects.filter(title="Tool").exists()


# --- Range requests: lesson video and audio seek without fetching from the start --------
# The prisoner course's document holds b"%PDF-1.4 recipe" (15 bytes).


def ranged(client, user, document, header, **extra):
    client.logout()
    if user is not None:
        sign_in(client, user)
    return client.get(document.url, HTTP_RANGE=header, **extra)


@pytest.mark.parametrize(
    ("header", "body", "content_range"),
    [
        ("bytes=0-3", b"%PDF", "bytes 0-3/15"),
        ("bytes=5-7", b"1.4", "bytes 5-7/15"),
        ("bytes=9-", b"recipe", "bytes 9-14/15"),
        ("bytes=-6", b"recipe", "bytes 9-14/15"),
        ("bytes=9-999", b"recipe", "bytes 9-14/15"),
        ("bytes=-999", b"%PDF-1.4 recipe", "bytes 0-14/15"),
    ],
)
def test_a_document_answers_a_byte_range_with_just_those_bytes(
    client, media, prisoner, header, body, content_range
):
    whole = ranged(client, prisoner, media["prisoner_doc"], "")
    response = ranged(client, prisoner, media["prisoner_doc"], header)
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == body
    assert response["Content-Range"] == content_range
    assert response["Content-Length"] == str(len(body))
    assert response["Accept-Ranges"] == "bytes"
    for kept in ("Content-Type", "Content-Disposition", "ETag", "X-Content-Type-Options"):
        assert response[kept] == whole[kept], kept
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize("header", ["bytes=15-", "bytes=99-100", "bytes=-0"])
def test_a_range_past_the_end_of_a_document_is_not_satisfiable(client, media, prisoner, header):
    response = ranged(client, prisoner, media["prisoner_doc"], header)
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */15"
    assert b"".join(response.streaming_content) == b""


@pytest.mark.parametrize(
    "header",
    ["bytes=0-1,5-6", "bytes=5-2", "bytes=abc", "items=0-3", "bytes=-", "bytes=0-1 2"],
)
def test_several_ranges_or_a_malformed_range_get_the_whole_document(
    client, media, prisoner, header
):
    response = ranged(client, prisoner, media["prisoner_doc"], header)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 recipe"
    assert response["Accept-Ranges"] == "bytes"
    assert "Content-Range" not in response


def test_a_range_for_a_changed_document_gets_the_whole_new_one(client, media, prisoner):
    doc = media["prisoner_doc"]
    Document.objects.filter(pk=doc.pk).update(file_hash="5f0c2a")
    etag = ranged(client, prisoner, doc, "")["ETag"]
    assert etag == '"5f0c2a"'
    same = ranged(client, prisoner, doc, "bytes=0-3", HTTP_IF_RANGE=etag)
    changed = ranged(client, prisoner, doc, "bytes=0-3", HTTP_IF_RANGE='"an-older-version"')
    assert (same.status_code, b"".join(same.streaming_content)) == (206, b"%PDF")
    assert (changed.status_code, b"".join(changed.streaming_content)) == (200, b"%PDF-1.4 recipe")


def test_a_range_request_passes_the_same_audience_checks(client, media, prisoner, staff_member):
    assert ranged(client, None, media["prisoner_doc"], "bytes=0-3").status_code == 302
    assert "/login/" in ranged(client, None, media["prisoner_doc"], "bytes=0-3")["Location"]
    assert ranged(client, staff_member, media["prisoner_doc"], "bytes=0-3").status_code == 404
    assert ranged(client, prisoner, media["staff_doc"], "bytes=0-3").status_code == 404
    assert ranged(client, prisoner, media["orphan_doc"], "bytes=99-").status_code == 404


def test_an_empty_etag_never_vouches_for_a_range(client, media, prisoner):
    doc = media["prisoner_doc"]
    Document.objects.filter(pk=doc.pk).update(file_hash="")
    response = ranged(client, prisoner, doc, "bytes=0-3", HTTP_IF_RANGE='""')
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 recipe"
