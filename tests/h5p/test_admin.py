"""Uploading, deleting and reporting in the Wagtail admin."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from consent.services import consent_give
from courses.services import enrolment_create
from h5p.models import H5PContent, H5PLibrary
from h5p.view_grants import view_grant_issue
from h5p.wagtail_hooks import report_url
from lms.core.models import AuditEvent
from tests import factories
from tests.kiosk_client import sign_in

from . import builders

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_h5p_h5pcontent:add"
LIST = "wagtailsnippets_h5p_h5pcontent:list"
DELETE = "wagtailsnippets_h5p_h5pcontent:delete"


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def upload(client, data: bytes, **fields):
    return client.post(
        reverse(ADD),
        {
            "title": "",
            "internet_override": "",
            **fields,
            "package": SimpleUploadedFile("activity.h5p", data, "application/zip"),
        },
    )


def test_trainers_see_the_list_and_the_upload_form(trainer):
    client = client_for(trainer)
    assert client.get(reverse(LIST)).status_code == 200
    form = client.get(reverse(ADD)).content.decode()
    assert 'type="file"' in form and 'enctype="multipart/form-data"' in form


@pytest.mark.parametrize("role", ["prisoner", "staff_learner", "monitor"])
def test_learners_and_monitors_have_no_upload(role, facility_a):
    from lms.core.models import User

    user = {
        "prisoner": lambda: factories.PrisonerFactory(facility=facility_a),
        "staff_learner": lambda: factories.UserFactory(facility=facility_a),
        "monitor": lambda: factories.UserFactory(role=User.Role.MONITOR, facility=None),
    }[role]()
    client = client_for(user)
    assert client.get(reverse(ADD)).status_code in (302, 403)
    assert upload(client, builders.tiny_package()).status_code in (302, 403)
    assert not H5PContent.objects.exists()


def test_an_administrator_uploads_a_package(administrator):
    response = upload(client_for(administrator), builders.tiny_package(), title="Tools quiz")
    assert response.status_code == 302
    content = H5PContent.objects.get()
    assert content.title == "Tools quiz" and content.uploaded_by == administrator


def test_a_trainer_upload_that_brings_library_code_is_refused_with_the_reason(trainer):
    response = upload(client_for(trainer), builders.tiny_package())
    assert response.status_code == 200
    assert "Only an administrator may install library code" in response.content.decode()
    assert not H5PContent.objects.exists() and not H5PLibrary.objects.exists()


def test_a_trainer_uploads_content_for_an_installed_library(trainer, tiny_content):
    response = upload(client_for(trainer), builders.tiny_package(with_library=False))
    assert response.status_code == 302
    assert H5PContent.objects.count() == 2


def test_a_hostile_upload_shows_every_reason_and_saves_nothing(administrator):
    files = builders.tiny_files()
    files["content/shell.php"] = b"<?php"
    files["content/page.html"] = b"<script>"
    response = upload(client_for(administrator), builders.build(files))
    html = response.content.decode()
    assert response.status_code == 200
    assert "shell.php" in html and "page.html" in html
    assert not H5PContent.objects.exists()


def test_content_a_lesson_uses_cannot_be_deleted(administrator, h5p_lesson, tiny_content):
    client = client_for(administrator)
    response = client.post(reverse(DELETE, args=[tiny_content.pk]), follow=True)
    assert "A lesson uses this activity" in response.content.decode()
    assert H5PContent.objects.filter(pk=tiny_content.pk).exists()
    assert tiny_content.path.exists()


def test_unused_content_is_deleted_with_its_files(
    administrator, tiny_content, django_capture_on_commit_callbacks
):
    path = tiny_content.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(reverse(DELETE, args=[tiny_content.pk]))
    assert response.status_code == 302
    assert not H5PContent.objects.exists() and not path.exists()
    assert H5PLibrary.objects.exists()  # shared libraries stay


def answer_fully(client, learner, lesson, block_id):
    """The learner's browser sends a full-score answer to the activity, with the view grant
    their lesson page handed out."""
    block = next(b for b in lesson.body if b.id == block_id)
    grant = view_grant_issue(
        learner_id=learner.pk,
        lesson_id=lesson.pk,
        lesson_key=lesson.translation_key,
        block_id=block_id,
        content_id=block.value["content"].pk,
    )
    response = client.post(
        reverse("h5p:xapi", args=[lesson.pk, block_id]),
        data=json.dumps(
            {
                "id": str(uuid.uuid4()),
                "statement": {
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                    "object": {"id": "x"},
                    "result": {"score": {"raw": 1, "max": 1}},
                },
            }
        ),
        content_type="application/json",
        headers={"X-Qadam-View": grant},
    )
    assert response.status_code == 201, response.content


def test_the_report_shows_figures_to_trainers_and_names_to_whom_may_see_them(
    administrator, trainer, facility_a, h5p_lesson, tiny_content
):
    lesson, block_id = h5p_lesson
    learner = factories.PrisonerFactory(facility=facility_a, first_name="Aidar", last_name="Nur")
    enrolment_create(actor=learner, learner=learner, course=lesson.course)
    learner_client = client_for(learner)
    answer_fully(learner_client, learner, lesson, block_id)
    admin_view = client_for(administrator).get(report_url(tiny_content)).content.decode()
    assert "Learners: 1. Passed: 1. Scored attempts: 1." in admin_view
    assert "Aidar Nur" in admin_view and "100%" in admin_view
    trainer_view = client_for(trainer).get(report_url(tiny_content)).content.decode()
    assert "Learners: 1. Passed: 1." in trainer_view
    assert "Aidar Nur" not in trainer_view
    assert "Names are shown only to administrators" in trainer_view
    assert client_for(learner).get(report_url(tiny_content)).status_code in (302, 403)


def test_opening_the_report_leaves_a_read_row_for_each_learner_named(
    administrator, trainer, facility_a, h5p_lesson, tiny_content
):
    lesson, block_id = h5p_lesson
    learners = [factories.PrisonerFactory(facility=facility_a) for _ in range(2)]
    for learner in learners:
        enrolment_create(actor=learner, learner=learner, course=lesson.course)
        answer_fully(client_for(learner), learner, lesson, block_id)
    response = client_for(administrator).get(report_url(tiny_content), REMOTE_ADDR="10.7.0.4")
    assert response.status_code == 200
    rows = AuditEvent.objects.filter(action="person.read", actor=administrator)
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(
        str(learner.pk) for learner in learners
    )
    assert {(row.after["page"], row.after["ip_address"]) for row in rows} == {
        ("h5p_results", "10.7.0.4")
    }
    assert client_for(trainer).get(report_url(tiny_content)).status_code == 200
    assert not AuditEvent.objects.filter(action="person.read", actor=trainer).exists()


def test_the_report_names_nobody_in_a_voluntary_programme(administrator, facility_a, tiny_content):
    course = factories.make_course(title="Paths", programme_type="faith_based", lessons=1)
    lesson = course.get_children().specific().first()
    lesson.body = [("h5p", {"content": tiny_content, "pass_mark": 60, "required": True})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    block_id = lesson.body[0].id
    learner = factories.PrisonerFactory(facility=facility_a, first_name="Aidar", last_name="Nur")
    enrolment_create(actor=learner, learner=learner, course=course)
    consent_give(actor=learner, course=course)
    answer_fully(client_for(learner), learner, lesson, block_id)
    admin_view = client_for(administrator).get(report_url(tiny_content)).content.decode()
    assert "Learners: 1. Passed: 1." in admin_view
    assert "Aidar Nur" not in admin_view
    assert "Names are never shown for voluntary programmes" in admin_view


def test_upload_size_is_limited(administrator, settings):
    settings.H5P_MAX_UPLOAD_BYTES = 100
    response = upload(client_for(administrator), builders.tiny_package())
    assert "larger than" in response.content.decode()
    assert not H5PContent.objects.exists()


def test_io_upload_helper_matches_command_line(administrator):
    from h5p.importer import h5p_content_import

    content = h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    assert content.size_bytes > 0
