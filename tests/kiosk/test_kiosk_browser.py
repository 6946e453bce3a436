"""The kiosk in a real browser (Debian's chromium, headless): register, sign in, take a
lesson, time out, finish, and leave nothing for the next person; refusals; axe-core.

Screenshots of the main screens go to docs/screenshots/kiosk/ when QADAM_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courses.models import Enrolment, LessonProgress
from kiosk.services import devices, pins
from lms.core import serving
from tests import factories
from tests.browser import chromium

from .conftest import PIN

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots" / "kiosk"
LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture
def browser(world):
    """One browser per test, started after the test database is ready (a running
    Playwright event loop would stop Django restoring the serialized database)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def world(db, live_server):
    facility_a = factories.FacilityFactory(code="a", name="Facility A")
    facility_b = factories.FacilityFactory(code="b", name="Facility B")
    unit = factories.UnitFactory(facility=facility_a, name="Unit 1")
    admin = factories.UserFactory(role="administrator", facility=None, username="kadmin")
    learner = factories.PrisonerFactory(
        facility=facility_a, first_name="Nurlan", last_name="Abenov"
    )
    other = factories.PrisonerFactory(facility=facility_a, first_name="Daniyar", last_name="Sarsen")
    stranger = factories.PrisonerFactory(facility=facility_b, first_name="Aidos", last_name="Bek")
    for person in (learner, other, stranger):
        pins.kiosk_pin_set(actor=admin, learner=person, pin=PIN, must_change=False)
    course = factories.make_course(title="Computer basics", audience="prisoners", lessons=2)
    return {
        "url": live_server.url,
        "facility_a": facility_a,
        "unit": unit,
        "admin": admin,
        "learner": learner,
        "other": other,
        "stranger": stranger,
        "course": course,
    }


def new_kiosk(browser, world, viewport=LANDSCAPE):
    """A fresh browser context registered as a kiosk of facility A through the page."""
    _row, code = devices.registration_code_create(
        actor=world["admin"], facility=world["facility_a"], unit=world["unit"], device_name="K1"
    )
    context = browser.new_context(viewport=viewport, base_url=world["url"])
    page = context.new_page()
    page.goto("/kiosk/register/")
    page.fill("#id_code", code)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Sign in")
    return context, page


def sign_in(page, person, pin=PIN):
    page.fill("#id_prisoner_number", person.prisoner_number)
    page.fill("#id_pin", pin)
    page.click("main button[type=submit]")


def axe_check(page) -> None:
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a",
                "wcag21aa", "wcag22aa", "best-practice"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 3)}));
        }"""
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{page.url}: {bad}"


def shot(page, name: str) -> None:
    if os.environ.get("QADAM_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_register_sign_in_take_a_lesson_and_finish_leaves_nothing(browser, world):
    context, page = new_kiosk(browser, world)
    axe_check(page)
    sign_in(page, world["learner"])
    expect(page.locator("h1")).to_contain_text("Hello, Nurlan")
    axe_check(page)
    # The "still here" dialog, shown on demand, passes too.
    page.evaluate("() => { document.querySelector('[data-kiosk-timeout]').hidden = false; }")
    axe_check(page)
    page.evaluate("() => { document.querySelector('[data-kiosk-timeout]').hidden = true; }")
    page.click("text=Computer basics")
    page.click("button:has-text('Join this course')")
    axe_check(page)
    page.click("text=Start the first lesson")
    expect(page.locator("h1")).to_have_text("Computer basics: lesson 1")
    axe_check(page)
    page.click("button:has-text('Mark as done')")
    expect(page.locator("h1")).to_have_text("Computer basics: lesson 2")
    assert (
        LessonProgress.objects.filter(learner=world["learner"], completed_at__isnull=False).count()
        == 1
    )
    # Something of this person in browser storage (as H5P would leave).
    page.evaluate(
        """() => { localStorage.setItem('h5p-state', 'Nurlan'); sessionStorage.setItem('x', '1');
                   indexedDB.open('h5p-db', 1); }"""
    )
    token = serving.access_version()
    page.click("button:has-text('Finish')")
    expect(page.locator(".kiosk-notice")).to_contain_text("You are signed out")
    shot(page, "landscape-09-signed-out")
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    names = page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)")
    assert names == []
    cookies = {c["name"] for c in context.cookies()}
    assert settings.KIOSK_DEVICE_COOKIE in cookies  # still a kiosk
    # The back button and history show nothing of the previous person.
    for _step in range(4):
        page.go_back()
        body = page.content()
        assert "Nurlan" not in body and "lesson 2" not in body
    page.goto("/learn/")
    expect(page.locator("h1")).to_have_text("Sign in")
    # The next person signs in on the same kiosk and sees only their own.
    sign_in(page, world["other"])
    expect(page.locator("h1")).to_contain_text("Hello, Daniyar")
    assert "Computer basics: lesson" not in page.content()
    # Signing out (the kiosk rebound to a new cookie) and in again emptied no process's
    # memo of people and kiosks (docs/decisions/0046).
    assert serving.access_version() == token
    context.close()


def test_idle_timeout_warns_then_signs_out(browser, world, settings):
    settings.KIOSK_IDLE_SECONDS = 8
    settings.KIOSK_IDLE_WARNING_SECONDS = 4
    context, page = new_kiosk(browser, world)
    sign_in(page, world["learner"])
    dialog = page.locator("[data-kiosk-timeout]")
    expect(dialog).to_be_visible(timeout=15_000)
    shot(page, "landscape-07-still-here")
    page.click("[data-kiosk-still-here]")
    expect(dialog).to_be_hidden()
    expect(page.locator("h1")).to_contain_text("Hello, Nurlan")
    # Nobody touches the screen: signed out, and told why.
    expect(page.locator(".kiosk-notice")).to_contain_text("nobody used the screen", timeout=20_000)
    page.go_back()
    assert "Nurlan" not in page.content()
    context.close()


def test_wrong_pin_lockout_says_how_long(browser, world):
    context, page = new_kiosk(browser, world)
    for _attempt in range(5):
        sign_in(page, world["learner"], pin="9999")
    expect(page.locator("[data-kiosk-error]")).to_contain_text("Try again in 15 minutes")
    shot(page, "landscape-08-locked")
    axe_check(page)
    sign_in(page, world["learner"])  # even the right PIN waits
    expect(page.locator("[data-kiosk-error]")).to_contain_text("Try again in")
    context.close()


def test_a_prisoner_of_another_facility_is_refused(browser, world):
    context, page = new_kiosk(browser, world)
    sign_in(page, world["stranger"])
    expect(page.locator("[data-kiosk-error]")).to_contain_text("cannot sign in on this kiosk")
    assert "Aidos" not in page.content()
    context.close()


def test_an_unregistered_device_is_refused(browser, world):
    context = browser.new_context(viewport=LANDSCAPE, base_url=world["url"])
    page = context.new_page()
    response = page.goto("/kiosk/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("This screen opens only on a kiosk")
    context.close()


def test_staff_urls_are_refused_from_a_kiosk(browser, world):
    context, page = new_kiosk(browser, world)
    for path in ("/admin/", "/django-admin/", "/manage/learners/", "/accounts/login/"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.locator("h1")).to_have_text("This page does not open on a kiosk")
    axe_check(page)
    context.close()


def test_a_progress_save_lost_to_the_network_is_queued_and_sent_once(browser, world):
    context, page = new_kiosk(browser, world)
    sign_in(page, world["learner"])
    page.click("text=Computer basics")
    page.click("button:has-text('Join this course')")
    page.click("text=Start the first lesson")
    context.set_offline(True)
    page.click("button:has-text('Mark as done')")
    expect(page.locator("[data-kiosk-queue-status]")).to_be_visible()
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()
    context.set_offline(False)
    expect(page.locator("[data-kiosk-queue-status]")).to_be_hidden(timeout=15_000)
    progress = LessonProgress.objects.get(learner=world["learner"])
    assert progress.completed_at is not None
    # A second tap after the retry counts once.
    page.click("button:has-text('Mark as done')")
    page.wait_for_load_state()
    assert LessonProgress.objects.filter(learner=world["learner"]).count() == 1
    context.close()


def test_consent_step_and_stopping_in_the_kiosk(browser, world):
    course = factories.make_course(
        title="Paths of peace", programme_type="faith_based", audience="prisoners", lessons=1
    )
    context, page = new_kiosk(browser, world)
    sign_in(page, world["learner"])
    page.goto(course.url)
    page.click("button:has-text('Join this course')")
    expect(page.locator("[data-consent-step]")).to_be_visible()
    axe_check(page)
    shot(page, "landscape-05-consent")
    page.click("button:has-text('Yes, I want to take part')")
    page.click("text=Stop taking part")
    axe_check(page)
    page.click("button:has-text('Yes, stop')")
    expect(page.locator(".messages")).to_contain_text("You stopped taking part")
    assert Enrolment.objects.get(course_key=course.translation_key).status == "withdrawn"
    page.goto("/learn/")
    expect(page.locator("body")).to_contain_text("Stopped")
    context.close()


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_main_screens_fit_both_orientations(browser, world, orientation):
    viewport = LANDSCAPE if orientation == "landscape" else PORTRAIT
    context, page = new_kiosk(browser, world, viewport=viewport)
    shot(page, f"{orientation}-01-sign-in")
    sign_in(page, world["learner"])
    shot(page, f"{orientation}-02-home")
    page.click("text=Computer basics")
    page.click("button:has-text('Join this course')")
    shot(page, f"{orientation}-03-course")
    page.click("text=Start the first lesson")
    shot(page, f"{orientation}-04-lesson")
    # Nothing scrolls sideways, and every button and link is a large enough target.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    small = page.evaluate(
        """() => [...document.querySelectorAll('main a, main button, header a, header button')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim(), e.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert small == []
    page.click("button:has-text('Қазақша')")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    shot(page, f"{orientation}-06-lesson-kk")
    context.close()
