"""One course from authoring to a verified certificate, with a real Celery worker process.

Runs on the embedded defaults (SQLite file + SQLAlchemy broker) in ``make test-fast``, and
on PostgreSQL + Redis in ``make test-services``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from certificates.models import Certificate
from courses.models import CoursePage, LessonPage
from lms.celery import app as celery_app
from lms.core.models import User
from tests import factories
from tests.kiosk_client import sign_in

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.integration,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(tmp_path):
    """A real worker process on the configured broker and the test database."""
    with celery_app.connection_for_write() as conn:
        for queue in ("default", "certificates"):
            with contextlib.suppress(Exception):  # the queue may not exist yet
                conn.default_channel.queue_purge(queue)
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - lives as long as the worker
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--pool=solo",
            "--queues=default,certificates",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.seek(0)
    print(log.read()[-5000:])


def test_a_trainer_publishes_a_course_and_a_learner_earns_a_verified_certificate(
    client, celery_worker
):
    celery_app.conf.task_always_eager = False
    facility = factories.FacilityFactory(code="e2e", name="Colony No. 5")
    trainer = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    learner = factories.PrisonerFactory(facility=facility, first_name="Ержан", last_name="Тоқтаров")
    area = factories.programme_area("vocational")

    # 1. The trainer creates the course and its lessons in the Wagtail admin and publishes.
    client.force_login(trainer)
    add_course = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", area.pk])
    response = client.post(
        add_course,
        {
            "title": "Electrical installation",
            "slug": "electrical",
            "summary": "Wiring basics",
            "description": rich_text("<p>Wiring basics.</p>"),
            "programme_type": "vocational",
            "audience": "prisoners",
            "estimated_hours": "20",
            "provider_name": "Karaganda Polytechnic College",
            "complete_when_all_lessons_done": "on",
            "complete_after_minutes": "0",
            "issues_certificate": "on",
            "self_enrolment": "on",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    course = CoursePage.objects.get(slug="electrical")
    assert course.live
    for number in (1, 2):
        add_lesson = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])
        response = client.post(
            add_lesson,
            nested_form_data(
                {
                    "title": f"Safety rule {number}",
                    "slug": f"rule-{number}",
                    "estimated_minutes": "10",
                    "body": streamfield([("heading", f"Rule {number}")]),
                    "action-publish": "publish",
                }
            ),
        )
        assert response.status_code == 302, response.context["form"].errors
    assert LessonPage.objects.child_of(course).live().count() == 2

    # 2. The learner enrols and marks each lesson done.
    sign_in(client, learner)
    client.post(reverse("learning:enrol", args=[course.pk]))
    for lesson in course.lessons():
        client.post(reverse("learning:lesson_done", args=[lesson.pk]))

    # 3. Completion is immediate; 4. the worker renders the certificate.
    certificate = Certificate.objects.get(learner=learner)
    deadline = time.monotonic() + 90
    while certificate.status != Certificate.Status.ISSUED and time.monotonic() < deadline:
        time.sleep(0.3)
        certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED, certificate.last_error

    listing = client.get(reverse("certificates:mine")).content.decode()
    assert "Electrical installation" in listing
    download = client.get(reverse("certificates:download", args=[certificate.public_id]))
    pdf = b"".join(download.streaming_content)
    text = PdfReader(__import__("io").BytesIO(pdf)).pages[0].extract_text()
    assert "Ержан Тоқтаров" in text
    assert "Electrical installation" in text
    assert "karaganda polytechnic college" in text.lower()
    assert certificate.display_code in text

    # 5. Anyone can verify it, and learns nothing private.
    client.logout()
    verify = client.get(reverse("certificates:verify", args=[certificate.verification_code]))
    page = verify.content.decode()
    assert verify.status_code == 200
    assert "This certificate is valid" in page
    assert "Colony No. 5" not in page and learner.prisoner_number not in page
