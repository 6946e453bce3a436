"""The reports page in a real browser (Debian's chromium, headless) under the site's CSP,
in Kazakh: the chart draws, nothing is blocked, and a monitor's page hides small counts.
With QADAM_SCREENSHOTS=<dir> it keeps a PNG of the monitor's and the administrator's page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.browser import chromium
from tests.reports.conftest import QUERY

SHOTS = os.environ.get("QADAM_SCREENSHOTS")


def open_as(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="kk-KZ")
    context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in (
                (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value),
                (settings.LANGUAGE_COOKIE_NAME, "kk"),
            )
        ]
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + reverse("reports:overview") + QUERY)
    return page, problems


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reports_page_draws_in_kazakh_under_the_csp(live_server, world):
    with chromium() as browser:
        for role in ("monitor", "administrator"):
            page, problems = open_as(browser, live_server, world[role])
            assert page.locator("h1").inner_text().startswith("Есептер")
            assert page.locator("figure svg rect").count() >= 4
            assert problems == []
            hidden = page.locator("td.suppressed")
            assert "5-ден аз" in hidden.first.inner_text()
            # The administrator's page hides only the voluntary programme's small counts.
            assert (hidden.count() == 2) == (role == "administrator")
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(SHOTS) / f"reports-{role}-kk.png"), full_page=True)
            page.context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_officer_opens_the_people_behind_a_count_after_giving_a_reason(live_server, world):
    from lms.core.models import AuditEvent

    with chromium() as browser:
        page, problems = open_as(browser, live_server, world["officer_beta"])
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / "reports-officer-kk.png"), full_page=True)
        page.locator("td a[href*='figure=enrolments']").first.click()
        assert "Secretname" not in page.content()
        page.locator("input[value='follow_up']").check()
        page.locator("button.button--primary").click()
        assert page.locator("table.report-table tbody tr").count() == 2
        assert "Secretname0" in page.content()
        assert problems == []
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / "reports-people-kk.png"), full_page=True)
        page.goto(live_server.url + reverse("reports:breakdown", args=["course"]) + QUERY)
        assert page.locator("h1").inner_text() == "Есептер: курстар бойынша"
        assert page.locator("td a[href*='course=']").count() >= 3
        assert problems == []
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / "reports-by-course-kk.png"), full_page=True)
        page.context.close()
    assert AuditEvent.objects.get(action="reports.people_open").after["reason"] == "follow_up"
