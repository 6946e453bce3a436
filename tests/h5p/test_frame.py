"""The wall around H5P: the lesson page keeps the site's policy and shows a sandboxed frame;
the frame's document and files are read with a per-view grant (no cookies reach them);
statements and state need that grant, for that learner, lesson and activity."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from courses.models import ActivityResult
from courses.services import enrolment_create
from h5p.models import ContentUserData, XAPIStatement
from h5p.view_grants import view_grant_issue
from tests import factories
from tests.kiosk_client import sign_in

from . import builders

pytestmark = pytest.mark.django_db


def answered(score, maximum=1):
    return {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "x", "definition": {"extensions": {}}},
        "result": {"score": {"raw": score, "max": maximum}},
    }


def grant_for(learner, lesson, block_id, content):
    return view_grant_issue(
        learner_id=learner.pk,
        lesson_id=lesson.pk,
        lesson_key=lesson.translation_key,
        block_id=block_id,
        content_id=content.pk,
    )


def post(client, lesson, block_id, body, view):
    return client.post(
        reverse("h5p:xapi", args=[lesson.pk, block_id]),
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers={"X-Qadam-View": view} if view else {},
    )


@pytest.fixture
def prisoner(facility_a):
    return factories.PrisonerFactory(facility=facility_a)


@pytest.fixture
def enrolled(prisoner, h5p_lesson):
    lesson, _block_id = h5p_lesson
    enrolment_create(actor=prisoner, learner=prisoner, course=lesson.course)
    return sign_in(Client(), prisoner)


def frame_src(html: str) -> str:
    return re.search(r'<iframe class="h5p-activity__frame" src="([^"]+)"', html).group(1)


def test_the_lesson_page_keeps_the_sites_policy_and_shows_a_sandboxed_frame(enrolled, h5p_lesson):
    lesson, _block_id = h5p_lesson
    response = enrolled.get(lesson.get_url())
    policy = response["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "unsafe-eval" not in script_src and "unsafe-inline" not in script_src
    assert "sha256-" not in script_src
    html = response.content.decode()
    frame = re.search(r"<iframe class=\"h5p-activity__frame\"[^>]*>", html).group(0)
    assert 'sandbox="allow-scripts"' in frame and "allow-same-origin" not in frame
    assert "main.bundle.js" not in html  # no H5P code on the LMS page


def test_the_frame_document_has_its_own_sandboxed_policy_and_needs_no_cookie(
    enrolled, prisoner, h5p_lesson
):
    lesson, _block_id = h5p_lesson
    src = frame_src(enrolled.get(lesson.get_url()).content.decode())
    response = Client().get(src)  # no session: the grant in the URL is enough
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox allow-scripts;")
    assert "allow-same-origin" not in policy and "allow-top-navigation" not in policy
    assert "'unsafe-eval'" in policy and "form-action 'none'" in policy
    assert response["Cache-Control"] == "no-store"
    config = json.loads(
        re.search(
            r'id="qadam-h5p-config" type="application/json">(.*?)</script>',
            response.content.decode(),
            re.S,
        ).group(1)
    )
    assert config["embedType"] == "div" and config["saveFreq"] > 0  # or no resume
    assert str(prisoner.public_id) not in response.content.decode()  # nothing of the person
    manifest = Client().get(config["h5pJsonPath"] + "/h5p.json")
    assert manifest.status_code == 200 and manifest["Access-Control-Allow-Origin"] == "*"
    assert Client().get(config["contentJsonPath"] + "/content.json").status_code == 200


def test_a_forged_or_expired_grant_opens_nothing(prisoner, h5p_lesson, tiny_content, settings):
    lesson, block_id = h5p_lesson
    good = grant_for(prisoner, lesson, block_id, tiny_content)
    forged = signing.dumps(
        [prisoner.pk, lesson.pk, str(lesson.translation_key), block_id, tiny_content.pk, "x"],
        salt="something else",
        compress=False,
    )
    client = Client()
    assert client.get(reverse("h5p:frame", args=[good])).status_code == 200
    assert client.get(reverse("h5p:frame", args=[forged])).status_code == 404
    assert client.get(reverse("h5p:frame", args=[good[:-2] + "xx"])).status_code == 404
    settings.H5P_VIEW_SECONDS = 1
    time.sleep(2.1)
    assert client.get(reverse("h5p:frame", args=[good])).status_code == 404
    for path in ("h5p.json", "content/content.json", "library.json", "../h5p.json"):
        assert client.get(reverse("h5p:frame_file", args=[good, path])).status_code == 404


def test_a_statement_counts_only_with_a_grant_for_that_learner_lesson_and_activity(
    enrolled, prisoner, facility_a, h5p_lesson, tiny_content
):
    lesson, block_id = h5p_lesson
    other_lesson = lesson.get_next_siblings().specific().first()
    someone = factories.PrisonerFactory(facility=facility_a)
    wrong = {
        "none": "",
        "garbage": "not-a-grant",
        "another learner": grant_for(someone, lesson, block_id, tiny_content),
        "another lesson": grant_for(prisoner, other_lesson, block_id, tiny_content),
        "another activity": grant_for(prisoner, lesson, str(uuid.uuid4()), tiny_content),
    }
    for name, view in wrong.items():
        body = {"id": str(uuid.uuid4()), "statement": answered(1)}
        assert post(enrolled, lesson, block_id, body, view).status_code == 403, name
    assert not XAPIStatement.objects.exists()
    view = grant_for(prisoner, lesson, block_id, tiny_content)
    response = post(
        enrolled, lesson, block_id, {"id": str(uuid.uuid4()), "statement": answered(1)}, view
    )
    assert response.status_code == 201 and response.json()["counted"] is True
    assert response.json()["result"] == "Your best result: 100%. You passed."


def test_a_grant_handed_out_by_the_lesson_page_is_accepted(enrolled, h5p_lesson):
    lesson, block_id = h5p_lesson
    html = enrolled.get(lesson.get_url()).content.decode()
    view = re.search(r'data-h5p-view="([^"]+)"', html).group(1)
    body = {"id": str(uuid.uuid4()), "statement": answered(0.2)}
    response = post(enrolled, lesson, block_id, body, view)
    assert response.status_code == 201
    assert response.json()["result"] == "Your best result: 20%. You need 60% to pass."


def test_the_answer_tells_the_lesson_footer_what_is_left(enrolled, h5p_lesson):
    """The footer under the activity follows each result without a reload: still the
    activity to pass, then nothing (the page offers "Mark as done")."""
    lesson, block_id = h5p_lesson
    html = enrolled.get(lesson.get_url()).content.decode()
    assert "data-lesson-outstanding" in html and "data-lesson-done hidden" in html
    view = re.search(r'data-h5p-view="([^"]+)"', html).group(1)
    failed = post(
        enrolled, lesson, block_id, {"id": str(uuid.uuid4()), "statement": answered(0.2)}, view
    )
    assert "above to finish this lesson" in failed.json()["lesson_outstanding"]
    passed = post(
        enrolled, lesson, block_id, {"id": str(uuid.uuid4()), "statement": answered(1)}, view
    )
    assert passed.json()["passed"] and passed.json()["lesson_outstanding"] == ""
    html = enrolled.get(lesson.get_url()).content.decode()
    assert "data-lesson-outstanding" not in html and "data-lesson-done hidden" not in html


@pytest.mark.parametrize(
    ("raw", "maximum", "stored"),
    [(1000, 1, 1.0), (-5, 1, 0.0), (3, 4, 0.75)],
    ids=["over-max", "negative", "in-range"],
)
def test_scores_are_clamped_to_zero_and_max(
    raw, maximum, stored, enrolled, prisoner, h5p_lesson, tiny_content
):
    lesson, block_id = h5p_lesson
    view = grant_for(prisoner, lesson, block_id, tiny_content)
    body = {"id": str(uuid.uuid4()), "statement": answered(raw, maximum)}
    assert post(enrolled, lesson, block_id, body, view).status_code == 201
    assert ActivityResult.objects.get(learner=prisoner).best_score == stored
    record = XAPIStatement.objects.get(learner=prisoner)
    assert 0 <= record.score <= record.max_score
    assert record.statement["result"]["score"]["raw"] == record.score


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_a_statement_with_nan_or_a_number_too_large_is_refused_with_400(
    constant, enrolled, prisoner, h5p_lesson, tiny_content
):
    lesson, block_id = h5p_lesson
    view = grant_for(prisoner, lesson, block_id, tiny_content)
    body = json.dumps({"id": str(uuid.uuid4()), "statement": answered(1)}).replace(
        '"raw": 1', f'"raw": {constant}'
    )
    response = post(enrolled, lesson, block_id, body, view)
    assert response.status_code == 400
    assert response.json() == {"stored": False, "message": "Not an xAPI statement."}
    assert not XAPIStatement.objects.exists()
    assert not ActivityResult.objects.exists()


def test_saved_state_is_per_lesson_and_comes_back_in_the_frame(
    enrolled, prisoner, tiny_content, h5p_lesson
):
    lesson, block_id = h5p_lesson
    second = lesson.get_next_siblings().specific().first()
    second.body = [("h5p", {"content": tiny_content, "pass_mark": 60, "required": True})]
    second.save_revision().publish()
    second.refresh_from_db()
    second_block = next(block.id for block in second.body)

    def state_url(page, block):
        return reverse("h5p:state", args=[page.pk, block, "state", "0"])

    view = grant_for(prisoner, lesson, block_id, tiny_content)
    saved = enrolled.post(
        state_url(lesson, block_id), {"data": '{"answer":0}'}, headers={"X-Qadam-View": view}
    )
    assert saved.json() == {"success": True}
    assert enrolled.post(state_url(lesson, block_id), {"data": "{}"}).status_code == 403  # no grant
    row = ContentUserData.objects.get(learner=prisoner)
    assert row.lesson_key == lesson.translation_key and row.activity_key == block_id

    other_view = grant_for(prisoner, second, second_block, tiny_content)
    answer = enrolled.get(state_url(second, second_block), headers={"X-Qadam-View": other_view})
    assert answer.json() == {"success": True, "data": False}  # same content, other lesson

    frame = Client().get(reverse("h5p:frame", args=[view])).content.decode()
    assert '"contentUserData": [{"state": "{\\"answer\\":0}"}]' in frame
    fresh = Client().get(reverse("h5p:frame", args=[other_view])).content.decode()
    assert '"contentUserData": [{"state": "false"}]' in fresh


def test_library_files_are_shared_and_cached_for_a_year_also_on_kiosks(h5p_lesson, prisoner):
    from kiosk.middleware import no_store

    url = reverse("h5p:library_file", args=[7, f"{builders.TINY_FOLDER}/tiny.js"])
    response = Client().get(url)  # the frame sends no cookies
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert no_store(response)["Cache-Control"] == "public, max-age=31536000, immutable"
    personal = Client().get(reverse("h5p:frame_file", args=["x", "h5p.json"]))
    assert no_store(personal)["Cache-Control"].startswith("no-store")
