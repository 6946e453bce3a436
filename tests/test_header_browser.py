"""The staff header's "Manage" menu in a real browser (Debian's chromium, headless) under
the site's CSP: it fits on one line at 1280 px, opens and closes from the keyboard and
the mouse, and passes axe-core."""

import pytest
from django.urls import reverse

from lms.core.models import User
from tests import factories
from tests.browser import chromium


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


def signed_in_page(browser, base_url, user, language):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "login" not in url)
    return page, errors


def axe_violations(page) -> list:
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document.querySelector("header"), {runOnly: ["wcag2a",
                "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 3)}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "kk", "ru"])
def test_an_officers_header_fits_one_line_and_its_menu_works_by_keyboard_and_mouse(
    browser, live_server, facility_a, language
):
    from playwright.sync_api import expect

    officer = factories.UserFactory(
        role=User.Role.EDUCATION_OFFICER,
        facility=facility_a,
        first_name="Aigerim",
        last_name="Nurlanova",
    )
    page, errors = signed_in_page(browser, live_server.url, officer, language)
    brand = page.locator(".brand").bounding_box()
    sign_out = page.locator(".signout button").bounding_box()
    assert abs((brand["y"] + brand["height"] / 2) - (sign_out["y"] + sign_out["height"] / 2)) < 8, (
        "the header wrapped onto a second line"
    )

    summary = page.locator("[data-nav-menu] summary")
    first_item = page.locator("[data-nav-menu] a").first
    expect(first_item).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(first_item).to_be_visible()
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    expect(first_item).to_be_focused()
    page.keyboard.press("Escape")
    expect(first_item).to_be_hidden()
    expect(summary).to_be_focused()

    summary.click()
    expect(first_item).to_be_visible()
    page.mouse.click(1200, 700)  # on the page, away from the menu
    expect(first_item).to_be_hidden()

    summary.click()
    first_item.click()
    page.wait_for_url(lambda url: url.endswith(reverse("manage:learners")))
    assert errors == []
