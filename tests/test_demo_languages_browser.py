"""The demo course end to end on a kiosk, in Kazakh and in Russian, to a certificate.

A learner switches the kiosk to their language with the header's buttons, signs in, joins
"Computer basics for work", passes the required quiz, marks every lesson done and looks at
their certificate, without meeting an English interface string on the way. Screenshots of
a lesson and of the certificate go to /tmp/e2e-<lang>-*.png.
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from certificates.models import Certificate
from courses.models import CoursePage, LessonPage
from demo.management.commands.kiosk_demo import DEMO_PIN
from kiosk.services import devices, pins
from lms.core.models import Facility, User
from tests.browser import chromium

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIEWPORT = {"width": 1280, "height": 900}

# Interface strings a learner meets on this path; none may show in English.
ENGLISH = [
    "Mark as done",
    "Your best result",
    "Join this course",
    "Start the first lesson",
    "Check my answers",
    "Well done, you passed.",
    "Needed to complete the course.",
    "You have done this lesson.",
    "Next lesson",
    "My certificates",
    "My learning",
    "Look at my certificate",
    "Verification code",
    "You completed this course.",
    "Being prepared",
    "Finish",
]


@pytest.fixture
def demo(db, live_server):
    """The demo seed, a PIN for the demo prisoner of North Colony and an admin to act."""
    call_command("seed_demo")
    admin = User.objects.get(is_demo=True, role=User.Role.ADMINISTRATOR)
    learner = User.objects.get(prisoner_number="N-100001")
    pins.kiosk_pin_set(actor=admin, learner=learner, pin=DEMO_PIN, must_change=False)
    return {"url": live_server.url, "admin": admin, "learner": learner}


@pytest.fixture
def browser(demo):
    """Started after the database is ready (see tests/browser.py)."""
    with chromium() as launched:
        yield launched


def in_language(code: str, text: str) -> str:
    with translation.override(code):
        return gettext(text)


def assert_in_language(page, code: str) -> None:
    """The page declares the language and shows none of the known English strings."""
    assert page.locator("html").get_attribute("lang") == code, page.url
    visible = page.locator("body").inner_text()
    shown = [text for text in ENGLISH if text in visible]
    assert shown == [], f"{page.url} shows English: {shown}"


def answer_quiz_correctly(page, quiz: dict) -> None:
    """Tick the right answers of a demo quiz block, question by question."""
    form = page.locator("form.quiz__form")
    for index, question in enumerate(quiz["questions"]):
        if question["kind"] == "true_false":
            right = ["0" if question["statement_is_true"] else "1"]
        else:
            right = [str(n) for n, answer in enumerate(question["answers"]) if answer["correct"]]
        for value in right:
            form.locator(f"input[name='q-{index}'][value='{value}']").check()
    form.locator("button[type=submit]").click()


@pytest.mark.parametrize("code", ["kk", "ru"])
def test_a_learner_takes_the_demo_course_in_their_language_to_a_certificate(browser, demo, code):
    facility = Facility.objects.get(code="north")
    learner = demo["learner"]
    _row, registration = devices.registration_code_create(
        actor=demo["admin"], facility=facility, unit=learner.unit, device_name="E2E kiosk"
    )
    context = browser.new_context(viewport=VIEWPORT, base_url=demo["url"])
    page = context.new_page()
    page.goto("/kiosk/register/")
    page.fill("#id_code", registration)
    page.click("main button[type=submit]")
    expect(page.locator("#id_pin")).to_be_visible()

    # The learner picks their language with the header's buttons, then signs in.
    page.click(f".kiosk-languages button[value='{code}']")
    expect(page.locator("html")).to_have_attribute("lang", code)
    assert_in_language(page, code)
    page.fill("#id_prisoner_number", learner.prisoner_number)
    page.fill("#id_pin", DEMO_PIN)
    page.click("main button[type=submit]")
    expect(page.locator(".kiosk-nav")).to_be_visible()
    assert_in_language(page, code)

    course = CoursePage.objects.get(slug="computer-basics", locale__language_code=code)
    page.goto(course.get_url())
    expect(page.locator("h1")).to_have_text(course.title)
    assert_in_language(page, code)
    # Kazakh and Russian labels are longer than English ones: the primary action still
    # shows without scrolling on a 1280x800 kiosk and on a 1080x1920 portrait one.
    join = page.locator(f"button:has-text('{in_language(code, 'Join this course')}')")
    for size in ({"width": 1280, "height": 800}, {"width": 1080, "height": 1920}):
        page.set_viewport_size(size)
        box = join.bounding_box()
        assert box is not None and box["y"] + box["height"] <= size["height"], (size, box)
        if os.environ.get("QADAM_SCREENSHOTS") == "1":
            page.screenshot(
                path=f"docs/screenshots/issue-15/course-{code}-{size['width']}x{size['height']}.png"
            )
    page.set_viewport_size(VIEWPORT)
    join.click()
    page.click(f"a:has-text('{in_language(code, 'Start the first lesson')}')")

    lessons = list(LessonPage.objects.child_of(course).live().specific().order_by("path"))
    assert len(lessons) == 3
    mark_as_done = in_language(code, "Mark as done")
    for number, lesson in enumerate(lessons, start=1):
        expect(page.locator("h1")).to_have_text(lesson.title)
        assert_in_language(page, code)
        for block in lesson.body:
            if block.block_type == "quiz":
                answer_quiz_correctly(page, block.value)
                expect(page.locator(".quiz__result--passed")).to_be_visible()
                assert_in_language(page, code)
            elif block.block_type == "h5p" and block.value.get("required"):
                pytest.fail("the demo course has no H5P activity to play; add the steps")
        page.screenshot(path=f"/tmp/e2e-{code}-lesson-{number}.png", full_page=True)
        with page.expect_navigation():
            page.click(f"button:has-text('{mark_as_done}')")

    # After the last lesson the course is complete.
    page.goto(course.get_url())
    expect(page.locator(".status--done").first).to_have_text(
        in_language(code, "You completed this course.")
    )
    assert_in_language(page, code)

    # Celery runs eagerly in tests, so the certificate is ready already; hold it back as
    # "being prepared" (a busy worker) to see the page show it by itself when it is ready.
    certificate = Certificate.objects.get(learner=learner)
    assert certificate.status == Certificate.Status.ISSUED, certificate.last_error
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.PENDING)
    page.click(f".kiosk-nav a:has-text('{in_language(code, 'My certificates')}')")
    expect(page.locator("[data-certificate-preparing]")).to_have_text(
        in_language(code, "Being prepared. This page shows it by itself when it is ready.")
    )
    assert_in_language(page, code)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.ISSUED)
    look = page.locator(f"a:has-text('{in_language(code, 'Look at my certificate')}')")
    expect(look).to_be_visible(timeout=30_000)  # no reload button on a kiosk
    assert_in_language(page, code)
    look.click()
    expect(page.locator("[data-certificate-view]")).to_be_visible()
    assert_in_language(page, code)
    page.screenshot(path=f"/tmp/e2e-{code}-certificate.png", full_page=True)

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.course_title == course.title
    expect(page.locator("[data-certificate-view] h1")).to_have_text(certificate.course_title)
    context.close()
