"""The player's URLs as every role, the files they serve, and the xAPI and state endpoints:
the actor comes from the session, only top-level results count, the block's pass mark
decides, and the same statement twice counts once."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import ActivityResult, CourseCompletion
from courses.services import enrolment_create
from h5p.models import ContentUserData, XAPIStatement
from h5p.view_grants import view_grant_issue
from lms.core.models import User
from tests import factories
from tests.kiosk_client import sign_in

from . import builders

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "prisoner", "staff_learner", "officer", "trainer", "monitor", "administrator"]


@pytest.fixture
def people(facility_a, administrator, trainer):
    return {
        "anonymous": None,
        "prisoner": factories.PrisonerFactory(facility=facility_a),
        "staff_learner": factories.UserFactory(facility=facility_a),
        "officer": factories.OfficerFactory(facility=facility_a),
        "trainer": trainer,
        "monitor": factories.UserFactory(role=User.Role.MONITOR, facility=None),
        "administrator": administrator,
    }


def client_for(user) -> Client:
    client = Client()
    client.learner = user
    if user is not None:
        sign_in(client, user)
    return client


def view_header(client, lesson, block_id) -> dict:
    """The grant a lesson page would hand this client's user for this activity."""
    user = getattr(client, "learner", None)
    if user is None:
        return {}
    block = next((b for b in lesson.body if b.id == block_id), None)
    content_id = block.value["content"].pk if block is not None else 0
    token = view_grant_issue(
        learner_id=user.pk,
        lesson_id=lesson.pk,
        lesson_key=lesson.translation_key,
        block_id=block_id,
        content_id=content_id,
    )
    return {"X-Qadam-View": token}


def answered(score: float, maximum: float = 1, **extra) -> dict:
    statement = {
        "actor": {"mbox": "mailto:someone-else@example.org", "objectType": "Agent"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {
            "id": "https://evil.example/forged",
            "objectType": "Activity",
            "definition": {"extensions": {}},
        },
        "result": {"score": {"raw": score, "max": maximum, "min": 0}, "success": True},
    }
    statement.update(extra)
    return statement


def post_statement(client, lesson, block_id, statement, client_id=None):
    return client.post(
        reverse("h5p:xapi", args=[lesson.pk, block_id]),
        data=json.dumps({"id": str(client_id or uuid.uuid4()), "statement": statement}),
        content_type="application/json",
        headers=view_header(client, lesson, block_id),
    )


# Prisoner course: prisoners may see it; staff learners and monitors may not (404); trainers
# and administrators may, as authors; signed-out requests get 403.
EXPECTED = {
    "anonymous": 403,
    "prisoner": 200,
    "staff_learner": 404,
    "officer": 404,
    "trainer": 200,
    "monitor": 404,
    "administrator": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_saved_state_and_frames_as_every_role(role, people, h5p_lesson):
    lesson, block_id = h5p_lesson
    client = client_for(people[role])
    state = reverse("h5p:state", args=[lesson.pk, block_id, "state", "0"])
    headers = view_header(client, lesson, block_id)
    assert client.get(state, headers=headers).status_code == EXPECTED[role]
    # Library code holds nothing personal and the frame sends no cookies: open to all.
    library = reverse("h5p:library_file", args=[1, f"{builders.TINY_FOLDER}/tiny.js"])
    assert client.get(library).status_code == 200


def test_files_have_the_right_types_and_caching(people, h5p_lesson):
    lesson, block_id = h5p_lesson
    token = view_header(client_for(people["prisoner"]), lesson, block_id)["X-Qadam-View"]
    client = Client()
    manifest = client.get(reverse("h5p:frame_file", args=[token, "h5p.json"]))
    assert manifest["Content-Type"] == "application/json"
    # The frame fetches content files with the view's token and no cookie: the same for
    # every learner of that view, so private caching for an hour is safe.
    assert manifest["Cache-Control"].startswith("private")
    assert json.loads(b"".join(manifest.streaming_content))["mainLibrary"] == builders.TINY
    # Library code is the same for everyone: immutable, cached (seen here by staff; a
    # kiosk answers everything no-store).
    client = client_for(people["trainer"])
    script = client.get(reverse("h5p:library_file", args=[7, f"{builders.TINY_FOLDER}/tiny.js"]))
    assert script["Content-Type"].startswith("text/javascript")
    assert "immutable" in script["Cache-Control"] and "max-age=31536000" in script["Cache-Control"]
    style = client.get(reverse("h5p:library_file", args=[7, f"{builders.TINY_FOLDER}/tiny.css"]))
    assert style["Content-Type"].startswith("text/css")
    assert script["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "content/../h5p.json",
        "content/%2e%2e/%2e%2e/libraries/x",
        "content\\content.json",
        "../../etc/passwd",
        "content/",
        "other.json",
        "content/missing.json",
    ],
)
def test_no_file_outside_the_package_is_served(path, people, h5p_lesson):
    lesson, block_id = h5p_lesson
    token = view_header(client_for(people["prisoner"]), lesson, block_id)["X-Qadam-View"]
    url = reverse("h5p:frame_file", args=[token, "h5p.json"]).replace("h5p.json", path)
    assert Client().get(url).status_code == 404


def test_a_library_path_cannot_climb_out(people, h5p_lesson):
    client = client_for(people["prisoner"])
    url = reverse("h5p:library_file", args=[1, "x"]).replace("/x", "/../content/x")
    assert client.get(url).status_code == 404


def test_a_block_id_not_in_the_lesson_is_not_found(people, h5p_lesson):
    lesson, _block_id = h5p_lesson
    client = client_for(people["prisoner"])
    assert post_statement(client, lesson, str(uuid.uuid4()), answered(1)).status_code == 404


def test_a_draft_lesson_is_hidden_from_learners_but_not_from_its_authors(people, h5p_lesson):
    lesson, block_id = h5p_lesson
    lesson.unpublish()
    assert (
        post_statement(client_for(people["prisoner"]), lesson, block_id, answered(1)).status_code
        == 404
    )
    assert (
        post_statement(client_for(people["trainer"]), lesson, block_id, answered(1)).status_code
        == 201
    )


@pytest.mark.services
def test_a_top_level_answer_counts_with_the_blocks_pass_mark_and_completes_the_course(
    people, h5p_lesson
):
    lesson, block_id = h5p_lesson
    course = lesson.course
    course.complete_when_all_lessons_done = False
    course.complete_when_activities_passed = True
    course.save_revision().publish()
    learner = people["prisoner"]
    enrolment_create(actor=learner, learner=learner, course=course)
    client = client_for(learner)

    response = post_statement(client, lesson, block_id, answered(0.5))
    assert response.status_code == 201 and response.json()["counted"] is True
    result = ActivityResult.objects.get(learner=learner)
    assert result.best_score == 0.5 and not result.passed  # the browser said success: ignored
    assert not CourseCompletion.objects.exists()

    response = post_statement(client, lesson, block_id, answered(4, 5))
    result.refresh_from_db()
    assert result.best_score == 0.8 and result.passed and result.attempts == 2
    assert CourseCompletion.objects.filter(enrolment__learner=learner).exists()

    stored = XAPIStatement.objects.filter(learner=learner).order_by("stored_at").last().statement
    assert stored["actor"]["account"]["name"] == str(learner.public_id)
    assert "mbox" not in stored["actor"]
    assert stored["object"]["id"].endswith(f"/h5p/activities/{lesson.translation_key}/{block_id}")
    assert stored["version"] == "1.0.3" and stored["id"] and stored["timestamp"]


@pytest.mark.services
def test_the_same_statement_twice_counts_once(people, h5p_lesson):
    lesson, block_id = h5p_lesson
    learner = people["prisoner"]
    enrolment_create(actor=learner, learner=learner, course=lesson.course)
    client = client_for(learner)
    client_id = uuid.uuid4()
    first = post_statement(client, lesson, block_id, answered(1), client_id)
    again = post_statement(client, lesson, block_id, answered(1), client_id)
    assert first.status_code == 201
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert XAPIStatement.objects.filter(learner=learner).count() == 1
    assert ActivityResult.objects.get(learner=learner).attempts == 1


@pytest.mark.parametrize(
    "extra",
    [
        {
            "object": {
                "id": "x",
                "definition": {"extensions": {"http://h5p.org/x-api/h5p-subContentId": "abc"}},
            }
        },
        {"context": {"contextActivities": {"parent": [{"id": "http://example.org/parent"}]}}},
        {"verb": {"id": "http://adlnet.gov/expapi/verbs/interacted"}},
        {"result": {"completion": True}},
    ],
    ids=["sub-content", "has-parent", "not-a-result-verb", "no-score"],
)
def test_only_top_level_scored_results_count(extra, people, h5p_lesson):
    lesson, block_id = h5p_lesson
    learner = people["prisoner"]
    enrolment_create(actor=learner, learner=learner, course=lesson.course)
    response = post_statement(client_for(learner), lesson, block_id, answered(1, **extra))
    assert response.status_code == 201 and response.json()["counted"] is False
    assert XAPIStatement.objects.filter(learner=learner, counted=False).count() == 1
    assert not ActivityResult.objects.exists()


def test_a_learner_not_enrolled_has_the_statement_kept_but_not_counted(people, h5p_lesson):
    lesson, block_id = h5p_lesson
    response = post_statement(client_for(people["prisoner"]), lesson, block_id, answered(1))
    assert response.status_code == 201 and response.json()["counted"] is False
    assert response.json()["message"]  # the learner is told why
    assert not ActivityResult.objects.exists()


def test_bad_statements_are_refused(people, h5p_lesson):
    lesson, block_id = h5p_lesson
    client = client_for(people["prisoner"])
    url = reverse("h5p:xapi", args=[lesson.pk, block_id])
    headers = view_header(client, lesson, block_id)
    for body in (
        "not json",
        json.dumps({"id": "nope", "statement": {}}),
        json.dumps({"id": str(uuid.uuid4()), "statement": []}),
    ):
        assert (
            client.post(
                url, data=body, content_type="application/json", headers=headers
            ).status_code
            == 400
        )
    huge = json.dumps({"id": str(uuid.uuid4()), "statement": {"x": "a" * 70_000}})
    assert (
        client.post(url, data=huge, content_type="application/json", headers=headers).status_code
        == 413
    )
    assert client.get(url).status_code == 405
    assert not XAPIStatement.objects.exists()


def test_statements_need_the_csrf_token(people, h5p_lesson):
    lesson, block_id = h5p_lesson
    client = Client(enforce_csrf_checks=True)
    client.learner = people["prisoner"]
    sign_in(client, people["prisoner"])
    response = post_statement(client, lesson, block_id, answered(1))
    assert response.status_code == 403
    state = reverse("h5p:state", args=[lesson.pk, block_id, "state", "0"])
    headers = view_header(client, lesson, block_id)
    assert client.post(state, {"data": "{}"}, headers=headers).status_code == 403
    assert not XAPIStatement.objects.exists() and not ContentUserData.objects.exists()


def test_statements_are_append_only(people, h5p_lesson):
    lesson, block_id = h5p_lesson
    post_statement(client_for(people["prisoner"]), lesson, block_id, answered(1))
    statement = XAPIStatement.objects.get()
    with pytest.raises(PermissionError):
        statement.save()
    with pytest.raises(PermissionError):
        XAPIStatement.objects.all().delete()
    with pytest.raises(PermissionError):
        XAPIStatement.objects.update(counted=True)


@pytest.mark.services
def test_saved_state_belongs_to_one_learner(people, facility_a, h5p_lesson):
    lesson, block_id = h5p_lesson
    url = reverse("h5p:state", args=[lesson.pk, block_id, "state", "0"])
    first = client_for(people["prisoner"])
    mine = view_header(first, lesson, block_id)
    assert first.get(url, headers=mine).json() == {"success": True, "data": False}
    saved = first.post(url, {"data": '{"answer":0}'}, headers=mine)
    assert saved.json() == {"success": True}
    assert first.get(url, headers=mine).json() == {"success": True, "data": '{"answer":0}'}
    other = client_for(factories.PrisonerFactory(facility=facility_a))
    theirs = view_header(other, lesson, block_id)
    assert other.get(url, headers=theirs).json() == {"success": True, "data": False}
    assert other.get(url, headers=mine).status_code == 403  # another learner's grant
    first.post(url, {"data": "0"}, headers=mine)
    assert first.get(url, headers=mine).json()["data"] is False
    too_big = other.post(url, {"data": "x" * (256 * 1024 + 1)}, headers=theirs)
    assert too_big.status_code == 413


def test_the_lesson_shows_the_learners_best_result(people, h5p_lesson):
    lesson, block_id = h5p_lesson
    learner = people["prisoner"]
    enrolment_create(actor=learner, learner=learner, course=lesson.course)
    client = client_for(learner)
    assert "You need 60% to pass." in client.get(lesson.get_url()).content.decode()
    post_statement(client, lesson, block_id, answered(0.9))
    assert "Your best result: 90%. You passed." in client.get(lesson.get_url()).content.decode()


XAPI_EXPECTED = {**EXPECTED, "prisoner": 201, "trainer": 201, "administrator": 201}


@pytest.mark.parametrize("role", ROLES)
def test_statements_as_every_role(role, people, h5p_lesson):
    """Authors previewing may send statements (kept, never counted: the course is not for
    their audience); people who may not see the lesson are told it does not exist."""
    lesson, block_id = h5p_lesson
    response = post_statement(client_for(people[role]), lesson, block_id, answered(1))
    assert response.status_code == XAPI_EXPECTED[role]
    if role in ("trainer", "administrator"):
        assert response.json()["counted"] is False
    assert XAPIStatement.objects.count() == (1 if response.status_code == 201 else 0)


def test_a_voluntary_course_sends_nothing_of_its_activity_before_consent(people, tiny_content):
    """Faith-based programme: without the person's recorded consent, no package file, no
    statement and no saved state (nothing of it is stored or forwarded)."""
    from consent.services import consent_give

    course = factories.make_course(
        title="Reflection", audience="prisoners", programme_type="faith_based", lessons=1
    )
    lesson = course.get_children().specific().first()
    lesson.body = [("h5p", {"content": tiny_content, "pass_mark": 60, "required": True})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    block_id = next(block.id for block in lesson.body if block.block_type == "h5p")
    prisoner = people["prisoner"]
    enrolment_create(actor=prisoner, learner=prisoner, course=course)
    client = client_for(prisoner)

    assert b"data-h5p-frame=" not in client.get(lesson.get_url()).content
    assert post_statement(client, lesson, block_id, answered(1)).status_code == 404
    assert not XAPIStatement.objects.exists()

    consent_give(actor=prisoner, course=course)
    assert b"data-h5p-frame=" in client.get(lesson.get_url()).content
    assert post_statement(client, lesson, block_id, answered(1)).status_code == 201
    assert XAPIStatement.objects.filter(learner=prisoner).count() == 1


def test_a_lesson_with_three_activities_costs_the_queries_of_one(client, tiny_content, facility_a):
    """The libraries' revision and the learner's results are read once per page, not once
    per activity (the saved state is per activity by nature)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.services import enrolment_create

    learner = factories.PrisonerFactory(facility=facility_a)
    sign_in(client, learner)
    counts = []
    for activities in (1, 3):
        course = factories.make_course(title=f"Metalwork {activities}", lessons=1)
        enrolment_create(actor=learner, learner=learner, course=course)
        lesson = course.get_children().specific().first()
        lesson.body = [
            ("h5p", {"content": tiny_content, "pass_mark": 60, "required": False})
            for _ in range(activities)
        ]
        lesson.save_revision().publish()
        client.get(lesson.url)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(lesson.url).content.decode()
        assert page.count("data-h5p-frame=") == activities
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
