"""A real browser (Debian's Chromium, headless) plays an H5P activity inside a lesson.

The learner answers, the result reaches the server through our xAPI endpoint, their best
result and course completion appear; after sign-out a second learner on the same browser
sees a fresh activity, and nothing of the first is left in the browser's storage.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from courses.models import ActivityResult, CourseCompletion
from courses.services import enrolment_create
from h5p.importer import h5p_content_import
from h5p.models import ContentUserData, XAPIStatement
from lms.core.models import User
from tests import factories
from tests.browser import chromium

from . import builders

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("QADAM_SCREENSHOTS")


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct horse battery")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/learn/")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_learner_plays_an_activity_and_the_next_learner_starts_fresh(
    live_server, browser, facility_a, settings
):
    settings.H5P_SAVE_SECONDS = 1
    administrator = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    content = h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    # Staff learners on the staff web: prisoners sign in only on kiosks, whose own browser
    # tests cover the sign-out wipe (tests/kiosk/test_kiosk_browser.py).
    course = factories.make_course(
        title="Metalwork", audience="both", lessons=1, issues_certificate=False
    )
    course.complete_when_all_lessons_done = False
    course.complete_when_activities_passed = True
    course.save_revision().publish()
    lesson = course.get_children().specific().get()
    lesson.body = [
        ("heading", "Tools"),
        ("h5p", {"content": content, "pass_mark": 60, "required": True}),
    ]
    lesson.save_revision().publish()
    first, second = (
        factories.UserFactory(facility=facility_a, username=number)
        for number in ("A-1001", "A-1002")
    )
    for learner in (first, second):
        learner.set_password("correct horse battery")
        learner.save()
        enrolment_create(actor=learner, learner=learner, course=course)

    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    lesson_url = live_server.url + lesson.get_url()

    sign_in(page, live_server.url, "A-1001")
    # A request cut short by leaving the page (H5P saving on pagehide) is not an error.
    page.on(
        "requestfailed",
        lambda r: None if "ERR_ABORTED" in (r.failure or "") else errors.append("failed " + r.url),
    )
    page.on(
        "response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None
    )
    page.goto(lesson_url)
    frame = page.frame_locator("iframe.h5p-activity__frame")
    frame.locator(".qadam-tiny__question").wait_for()
    assert frame.locator(".qadam-tiny__question").inner_text() == "Which tool cuts metal?"
    shot(page, "01-lesson-with-activity")
    with page.expect_response(
        lambda r: (
            "/state/" in r.url
            and r.request.method == "POST"
            and "answer%22%3A0" in (r.request.post_data or "")
        )
    ) as saved:
        frame.locator("button.qadam-tiny__option", has_text="A hacksaw").click()
    assert saved.value.ok
    page.locator("[data-h5p-status]", has_text="Your result is saved.").wait_for()
    result = ActivityResult.objects.get(learner=first)
    assert result.passed and result.best_score == 1.0 and result.kind == "h5p"
    assert CourseCompletion.objects.filter(enrolment__learner=first).exists()
    statement = XAPIStatement.objects.get(learner=first, counted=True)
    assert statement.statement["actor"]["account"]["name"] == str(first.public_id)
    # H5P saved the learner's answers so far on the server: they resume after a reload.
    assert ContentUserData.objects.filter(learner=first, content=content).exists()
    page.reload()
    assert "You passed" in page.locator("[data-h5p-result]").inner_text()
    frame.locator(".qadam-tiny__chosen", has_text="Chosen: A hacksaw").wait_for()
    shot(page, "02-best-result-after-reload")
    page.goto(live_server.url + course.get_url())
    assert page.get_by_text("You completed this course.").is_visible()
    shot(page, "03-course-completed")

    # Sign out: nothing of the first learner stays in the browser.
    page.goto(lesson_url)
    frame.locator(".qadam-tiny__question").wait_for()
    page.click("form.signout button[type=submit]")
    page.wait_for_url("**/accounts/login/**")
    assert page.evaluate("() => Object.keys(localStorage)") == []

    sign_in(page, live_server.url, "A-1002")
    page.goto(lesson_url)
    frame.locator(".qadam-tiny__question").wait_for()
    assert frame.locator(".qadam-tiny__chosen").inner_text() == ""
    assert "You need 60% to pass." in page.locator("[data-h5p-result]").inner_text()
    shot(page, "04-second-learner-fresh")
    assert not ActivityResult.objects.filter(learner=second).exists()
    assert not ContentUserData.objects.filter(learner=second).exists()
    assert errors == [], errors
    context.close()


def test_an_answer_sent_without_a_connection_is_retried_and_another_learners_queue_is_dropped(
    live_server, browser, facility_a
):
    administrator = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    content = h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))
    # Staff learners on the staff web: prisoners sign in only on kiosks, whose own browser
    # tests cover the sign-out wipe (tests/kiosk/test_kiosk_browser.py).
    course = factories.make_course(
        title="Metalwork", audience="both", lessons=1, issues_certificate=False
    )
    lesson = course.get_children().specific().get()
    lesson.body = [("h5p", {"content": content, "pass_mark": 60, "required": True})]
    lesson.save_revision().publish()
    learner = factories.UserFactory(facility=facility_a, username="A-2001")
    learner.set_password("correct horse battery")
    learner.save()
    enrolment_create(actor=learner, learner=learner, course=course)

    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server.url, "A-2001")
    # What a previous learner on this kiosk left behind (no sign-out through our page).
    block_id = next(block.id for block in lesson.body)
    page.evaluate(
        """([key, url]) => {
            localStorage.setItem(key, JSON.stringify([{id: crypto.randomUUID(), iri: "x",
              url: url, statement: {verb: {id: "http://adlnet.gov/expapi/verbs/answered"},
              object: {id: "x"}, result: {score: {raw: 1, max: 1}}}}]));
            localStorage.setItem("requestQueue", "[]");
        }""",
        ["qadam.h5p.queue.someone-else", f"/h5p/lessons/{lesson.pk}/{block_id}/xapi/"],
    )
    page.goto(live_server.url + lesson.get_url())
    frame = page.frame_locator("iframe.h5p-activity__frame")
    frame.locator(".qadam-tiny__question").wait_for()
    keys = page.evaluate("() => Object.keys(localStorage)")
    assert "qadam.h5p.queue.someone-else" not in keys and "requestQueue" not in keys
    assert not XAPIStatement.objects.exists()

    context.set_offline(True)
    frame.locator("button.qadam-tiny__option", has_text="A hacksaw").click()
    page.locator("[data-h5p-status]", has_text="Not saved yet").wait_for()
    queued = page.evaluate(f"() => localStorage.getItem('qadam.h5p.queue.{learner.public_id}')")
    assert queued and "answered" in queued
    assert not ActivityResult.objects.exists()
    context.set_offline(False)
    page.locator("[data-h5p-status]", has_text="Your result is saved.").wait_for()
    assert ActivityResult.objects.get(learner=learner).passed
    assert (
        page.evaluate(f"() => localStorage.getItem('qadam.h5p.queue.{learner.public_id}')") is None
    )
    context.close()
