"""The demo app's commands: ``seed_demo`` (facilities, people, courses through review,
media) and ``kiosk_demo`` (demo PINs and a registration code)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kiosk.services import authentication, devices


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_demo_accounts_can_be_switched_off(settings):
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import Revision, TaskState, WorkflowState

    from courses.models import CoursePage, LessonPage
    from lms.core.models import User

    def counts():
        models = (User, CoursePage, LessonPage, Document, Image, Revision, WorkflowState, TaskState)
        return {model.__name__: model.objects.count() for model in models}

    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    hashes = dict(Document.objects.values_list("title", "file_hash"))
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
    assert dict(Document.objects.values_list("title", "file_hash")) == hashes
    assert CoursePage.objects.filter(slug="values-and-dialogue").count() == 3
    assert set(CoursePage.objects.values_list("locale__language_code", flat=True)) == {
        "en",
        "kk",
        "ru",
    }
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    call_command("seed_demo", "--disable", stdout=io.StringIO())
    assert not User.objects.filter(is_demo=True, is_active=True).exists()
    assert not any(user.has_usable_password() for user in User.objects.filter(is_demo=True))
    settings.QADAM_DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.django_db
def test_seed_demo_has_a_faith_based_course_that_went_through_review_and_asks_for_consent():
    from courses.models import CoursePage, LessonPage, ProgrammeAreaPage

    call_command("seed_demo", stdout=io.StringIO())
    courses = CoursePage.objects.filter(slug="values-and-dialogue")
    assert {course.locale.language_code: course.live for course in courses} == {
        "en": True,
        "kk": True,
        "ru": True,
    }
    providers = {course.locale.language_code: course.provider_name for course in courses}
    assert providers == {
        "en": "Theological Rehabilitation Service",
        "kk": "Теологиялық оңалту қызметі",
        "ru": "Служба теологической реабилитации",
    }
    titles = set()
    for course in courses:
        area = course.get_parent().specific
        assert isinstance(area, ProgrammeAreaPage) and area.programme_type == "faith_based"
        assert course.programme_type == "faith_based" and course.requires_consent
        assert course.self_enrolment and not course.issues_certificate
        assert not course.has_unpublished_changes
        lessons = LessonPage.objects.child_of(course)
        assert lessons.count() == 2 and all(lesson.live for lesson in lessons)
        titles.add(course.title)
        # Published by the faith-based review: theological, then human-rights and legal.
        for page in (course, *lessons):
            state = page.workflow_states.get()
            assert state.status == "approved"
            assert [
                (task_state.task.name, task_state.finished_by.username)
                for task_state in state.task_states.order_by("started_at", "pk")
            ] == [("Theological review", "theologian"), ("Human-rights and legal review", "lawyer")]
    assert titles == {
        "Values, dialogue and a peaceful life",
        "Құндылықтар, сұхбат және бейбіт өмір",
        "Ценности, диалог и мирная жизнь",
    }


@pytest.mark.django_db
def test_seeded_documents_store_their_hash_and_serve_a_real_etag(client):
    from wagtail.documents.models import Document

    from lms.core.models import User

    call_command("seed_demo", stdout=io.StringIO())
    assert Document.objects.exists()
    assert not Document.objects.filter(file_hash="").exists()
    assert not Document.objects.filter(file_size__isnull=True).exists()
    client.force_login(User.objects.get(username="admin"))
    document = Document.objects.get(title="shortcuts.pdf")
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["ETag"] == f'"{document.file_hash}"' and response["ETag"] != '""'
    stale = client.get(document.url, HTTP_IF_NONE_MATCH='""')
    assert stale.status_code == 200


@pytest.mark.django_db
def test_kiosk_demo_gives_demo_prisoners_a_pin_and_prints_a_code(settings):
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("kiosk_demo", stdout=out)
    code = out.getvalue().strip().rsplit(" ", 1)[-1]
    device, _token = devices.device_register(code=code)
    result = authentication.kiosk_sign_in(device=device, prisoner_number="N-100001", pin="2580")
    assert result.user.username == "N-100001"
    settings.QADAM_DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("kiosk_demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_every_language_of_the_demo_course_has_every_block_and_seed_demo_upgrades_old_data():
    from courses.models import CoursePage, LessonPage
    from courses.translation_gaps import translations_out_of_step
    from lms.core.models import User
    from tests.factories import UserFactory

    admin = UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    call_command("seed_demo", stdout=io.StringIO())
    course = CoursePage.objects.get(slug="computer-basics", locale__language_code="en")
    assert course.estimated_hours == 1
    for lesson in LessonPage.objects.child_of(course):
        versions = LessonPage.objects.filter(translation_key=lesson.translation_key)
        assert versions.count() == 3
        shapes = {
            version.locale.language_code: [(b.block_type, b.id) for b in version.body]
            for version in versions
        }
        assert shapes["kk"] == shapes["en"] == shapes["ru"]  # same blocks, same ids
        for version in versions:
            for block in version.body:
                if block.block_type == "video":
                    code = version.locale.language_code
                    assert block.value["captions_language"] == code
                    assert block.value["captions"].title == f"keyboard-demo.{code}.vtt"
    assert translations_out_of_step(user=admin) == []

    # A database seeded by an earlier version: Kazakh lessons of text only, 6 hours.
    quiz_lesson = LessonPage.objects.get(slug="writing-a-letter", locale__language_code="kk")
    quiz_lesson.body = [(b.block_type, b.value) for b in quiz_lesson.body if b.block_type != "quiz"]
    quiz_lesson.save_revision().publish()
    CoursePage.objects.filter(translation_key=course.translation_key).update(estimated_hours=6)
    gaps = translations_out_of_step(user=admin)
    assert [(gap.lesson.pk, gap.missing_required) for gap in gaps] == [(quiz_lesson.pk, ["quiz"])]

    call_command("seed_demo", stdout=io.StringIO())
    quiz_lesson.refresh_from_db()
    assert "quiz" in [b.block_type for b in quiz_lesson.body]
    assert translations_out_of_step(user=admin) == []
    assert set(
        CoursePage.objects.filter(translation_key=course.translation_key).values_list(
            "estimated_hours", flat=True
        )
    ) == {1}
