"""Pages served from what each process remembers (lms.core.serving) are never older than
the database: every change to published content is seen on the next request, also when
it was made by another process; nothing personal is kept."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from courses.models import LessonPage
from courses.services import enrolment_create, quiz_attempt_submit
from lms.core import serving
from lms.core.models import ContentVersion
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


def lessons_of(course):
    return list(course.lessons().specific())


def publish_text(lesson: LessonPage, text: str) -> None:
    lesson.body = [("heading", text)]
    lesson.save_revision().publish()


@pytest.fixture
def learner(client, facility_a):
    person = factories.PrisonerFactory(facility=facility_a, first_name="Aigerim")
    sign_in(client, person)
    return person


def test_a_published_change_shows_on_the_next_request(client, learner):
    course = factories.make_course(lessons=2)
    lesson = lessons_of(course)[0]
    assert "Part 1" in client.get(lesson.url).content.decode()
    publish_text(lesson, "Welding gloves, revised")
    page = client.get(lesson.url).content.decode()
    assert "Welding gloves, revised" in page
    assert "Part 1" not in page


def test_an_unpublished_lesson_is_gone_although_its_route_was_remembered(client, learner):
    course = factories.make_course(lessons=2)
    lesson = lessons_of(course)[0]
    assert client.get(lesson.url).status_code == 200
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404


def test_a_course_moved_to_the_staff_audience_is_refused_to_prisoners_at_once(client, learner):
    course = factories.make_course(lessons=1)
    lesson = lessons_of(course)[0]
    assert client.get(lesson.url).status_code == 200
    course.audience = "staff"
    course.save_revision().publish()
    assert client.get(lesson.url).status_code == 404


def test_a_moved_lesson_answers_at_its_new_address_and_the_old_one_redirects(client, learner):
    course = factories.make_course(lessons=1)
    other = factories.make_course(lessons=0, title="Carpentry")
    lesson = lessons_of(course)[0]
    old_url = lesson.url
    assert client.get(old_url).status_code == 200
    lesson.move(other, pos="last-child")
    lesson.refresh_from_db()
    assert lesson.url != old_url
    moved = client.get(old_url)  # Wagtail's redirects app keeps the old address working
    assert (moved.status_code, moved["Location"]) == (301, lesson.url)
    assert client.get(lesson.url).status_code == 200


def test_a_view_restriction_applies_on_the_next_request(client, learner):
    course = factories.make_course(lessons=1)
    lesson = lessons_of(course)[0]
    assert client.get(lesson.url).status_code == 200
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert "password" in response.content.decode().lower()
    assert "Part 1" not in response.content.decode()


def test_a_change_made_by_another_process_is_seen(client, learner):
    """Another process (the admin on another web node, a scheduled publish) changes a page
    and the version token in the database; this process's memory knows nothing of it."""
    course = factories.make_course(lessons=1)
    lesson = lessons_of(course)[0]
    assert "Part 1" in client.get(lesson.url).content.decode()
    # What the other process wrote, without this process's signals running:
    LessonPage.objects.filter(pk=lesson.pk).update(title="Renamed elsewhere")
    assert "Renamed elsewhere" not in client.get(lesson.url).content.decode()  # remembered
    ContentVersion.objects.filter(pk=1).update(token=uuid.uuid4())
    assert "Renamed elsewhere" in client.get(lesson.url).content.decode()


def test_every_change_to_a_page_gives_a_new_token():
    course = factories.make_course(lessons=1)
    before = serving.content_version()
    course.title = "Welding safety, 2nd edition"
    course.save()
    after_save = serving.content_version()
    lessons_of(course)[0].delete()
    after_delete = serving.content_version()
    assert len({before, after_save, after_delete}) == 3


def test_the_remembered_lesson_holds_nothing_of_the_learner(client, learner, facility_a):
    """One learner's quiz answers and name are on their page, never on the next
    learner's, and nothing personal is in what the process keeps."""
    course = factories.make_course(lessons=1)
    lesson = lessons_of(course)[0]
    lesson.body = [
        ("heading", "Safety check"),
        (
            "quiz",
            {
                "questions": [
                    {
                        "kind": "single",
                        "prompt": "Gloves?",
                        "answers": [
                            {"text": "Always", "correct": True, "feedback": ""},
                            {"text": "Never", "correct": False, "feedback": ""},
                        ],
                        "explanation": "",
                    }
                ],
                "pass_mark": 100,
                "required": False,
            },
        ),
    ]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    enrolment_create(actor=learner, learner=learner, course=course)
    quiz_id = next(block.id for block in lesson.body if block.block_type == "quiz")
    quiz_attempt_submit(
        actor=learner,
        lesson=lesson,
        activity_key=quiz_id,
        answers={0: (1,)},
        submission_key=uuid.uuid4(),
    )
    first = client.get(lesson.url).content.decode()
    # Kiosk pages show no names; the learner's own quiz result is what is theirs.
    assert "Not yet. Read the feedback" in first
    next_person = factories.PrisonerFactory(facility=facility_a, first_name="Bolat")
    sign_in(client, next_person)
    second = client.get(lesson.url).content.decode()
    assert "Not yet. Read the feedback" not in second and "Aigerim" not in second
    assert first.count("Safety check") == second.count("Safety check") == 1
    kept = repr(serving.memo._items)
    assert "Aigerim" not in kept and "Bolat" not in kept


def test_a_remembered_lesson_page_reads_no_page_tables(client, learner):
    """The second view of a lesson asks the database only about the person and the
    content token, not about pages, sites or restrictions."""
    course = factories.make_course(lessons=3)
    enrolment_create(actor=learner, learner=learner, course=course)
    url = lessons_of(course)[1].url
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    for table in ("wagtailcore_page", "wagtailcore_site", "wagtailcore_pageviewrestriction"):
        assert table not in tables, table


def test_the_memo_keeps_the_most_recently_used_and_forgets_all_on_a_new_token():
    memo = serving.VersionedMemo(max_entries=2)
    memo.set("t1", "a", 1)
    memo.set("t1", "b", 2)
    assert memo.get("t1", "a") == 1  # a is now the most recently used
    memo.set("t1", "c", 3)
    assert memo.get("t1", "b") is serving._MISSING
    assert (memo.get("t1", "a"), memo.get("t1", "c")) == (1, 3)
    assert memo.get("t2", "a") is serving._MISSING
    assert memo.get("t1", "c") is serving._MISSING  # the old token's values are gone
    memo.set("", "a", 1)  # no version row: nothing is kept
    assert memo.get("", "a") is serving._MISSING


def test_a_remembered_fragment_is_rendered_once_per_language_and_value():
    from django.template import Context, Template
    from django.utils import translation

    fragment = Template(
        '{% load qadam %}{% remember "greeting" role %}{{ role }}:{{ counter.next }}'
        "{% endremember %}"
    )

    class Counter:
        calls = 0

        def next(self):
            Counter.calls += 1
            return Counter.calls

    factories.make_course(lessons=1)  # a content version row to remember under
    render = lambda role: fragment.render(Context({"role": role, "counter": Counter()}))  # noqa: E731
    assert render("prisoner") == render("prisoner") == "prisoner:1"
    assert render("staff") == "staff:2"
    with translation.override("kk"):
        assert render("prisoner") == "prisoner:3"


def test_replacing_a_document_or_an_image_gives_a_new_token():
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    document = Document.objects.create(title="Handout", file=ContentFile(b"v1", "handout.pdf"))
    before = serving.content_version()
    document.file = ContentFile(b"version 2", "handout-v2.pdf")
    document.save()
    assert serving.content_version() != before


def test_a_draft_previewed_by_an_author_never_reaches_a_learner(client, learner):
    from django.test import Client
    from django.urls import reverse

    course = factories.make_course(lessons=1)
    lesson = lessons_of(course)[0]
    admin = Client()
    admin.force_login(factories.UserFactory(role="administrator", facility=None))
    lesson.body = [("heading", "Unreviewed draft text")]
    revision = lesson.save_revision()  # a draft: the live page still says "Part 1"
    preview_url = reverse("wagtailadmin_pages:revisions_view", args=[lesson.pk, revision.pk])
    for _ in range(2):  # before and after the learner's page is remembered
        preview = admin.get(preview_url).content.decode()
        assert "Unreviewed draft text" in preview
        page = client.get(lesson.url).content.decode()
        assert "Part 1" in page and "Unreviewed draft text" not in page


def test_endpoints_acting_on_a_restricted_lesson_refuse_who_has_not_passed(client, learner):
    """Time reports (and H5P's endpoints, through the same check) need what the page
    itself needs: a password-protected course's lesson is not found until unlocked."""
    from django.urls import reverse

    course = factories.make_course(lessons=1)
    enrolment_create(actor=learner, learner=learner, course=course)
    lesson = lessons_of(course)[0]
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    url = reverse("learning:lesson_time", args=[lesson.pk])
    report = {"id": str(uuid.uuid4()), "seconds": "30"}
    assert client.post(url, report).status_code == 404
