import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_pages_carry_a_same_origin_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy


def production_env(**extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "x" * 20 + "production-secret-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "lms.example.org",
        "DATABASE_URL": "sqlite:////tmp/qadam-deploy-check.sqlite3",
        "QADAM_BASE_URL": "https://lms.example.org",
        "EMAIL_URL": "smtp+tls://qadam:secret@mail.example.org:587",
        **extra,
    }
    return env


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing, check_id",
    [("QADAM_BASE_URL", "qadam.E101"), ("EMAIL_URL", "qadam.E102")],
)
def test_the_deploy_check_fails_without_a_public_address_or_e_mail(missing, check_id):
    env = production_env()
    env.pop(missing)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert check_id in result.stderr + result.stdout


def test_production_cookies_are_host_only_and_secure():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.QADAM_MFA_REQUIRED, s.EMAIL_HOST)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=production_env(QADAM_MFA_REQUIRED="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "True",
        "mail.example.org",
    ], result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_seed_demo_is_refused_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "refused with production settings" in result.stderr


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
