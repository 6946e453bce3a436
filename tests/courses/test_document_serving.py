"""No uploaded file is ever served as something a browser runs, whatever its name says: a
``.js`` "document" used as ``<script src>`` on a lesson page must not load as script."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from lms.core.models import User
from tests import factories

pytestmark = pytest.mark.django_db

SANDBOX = "sandbox; default-src 'none'"


@pytest.fixture
def author(db):
    return factories.UserFactory(role=User.Role.TRAINER, facility=None)


def document(name: str, content: bytes) -> Document:
    # Stored as an earlier import stored such files: past the upload allowlist.
    return Document.objects.create(title=name, file=ContentFile(content, name=name))


@pytest.mark.parametrize(
    "name",
    ["x.js", "page.html", "drawing.svg", "feed.xml", "style.css", "tool.py", "x.mjs", "noext"],
)
def test_a_document_of_a_type_a_browser_runs_is_a_sandboxed_download(client, author, name):
    doc = document(name, b"fetch('/admin/users/add/', {method: 'POST'})")
    client.force_login(author)
    for url in (doc.url, doc.file.url):  # the document view and the raw media file
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/octet-stream", url
        assert response["Content-Disposition"].startswith("attachment"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Content-Security-Policy"] == SANDBOX, url


def test_a_pdf_opens_in_the_browser_viewer_with_nothing_else_allowed(client, author):
    doc = document("guide.pdf", b"%PDF-1.4 guide")
    client.force_login(author)
    response = client.get(doc.url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_lesson_video_opens_inline_sandboxed_and_still_answers_ranges(client, author):
    doc = document("lesson.mp4", b"\x00\x00\x00\x18ftypmp42 video bytes")
    client.force_login(author)
    response = client.get(doc.url, HTTP_RANGE="bytes=4-7")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == b"ftyp"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == SANDBOX
    captions = document("lesson.vtt", b"WEBVTT\n")
    assert client.get(captions.url)["Content-Type"] == "text/vtt; charset=utf-8"


def test_education_officers_get_no_raw_media_files(client, officer, author):
    doc = document("guide.pdf", b"%PDF-1.4 guide")
    client.force_login(officer)
    assert client.get(doc.file.url).status_code == 404
    client.force_login(author)
    assert client.get(doc.file.url).status_code == 200
